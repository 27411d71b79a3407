/// A parsed JSON value, as the reader needs it. Numbers keep their literal
/// text so 64-bit counters never pass through `Double`.
enum JSONValue: Equatable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var uint64: UInt64? {
        if case .number(let text) = self { return UInt64(text) }
        return nil
    }

    var int64: Int64? {
        if case .number(let text) = self { return Int64(text) }
        return nil
    }
}
