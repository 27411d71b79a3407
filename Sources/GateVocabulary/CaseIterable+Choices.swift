extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// The spellings a user may write, each in `quote`, for error messages:
    /// `"source" or "private"`.
    public static func choices(quotedWith quote: Character) -> String {
        allCases.map { "\(quote)\($0.rawValue)\(quote)" }.joined(separator: " or ")
    }
}
