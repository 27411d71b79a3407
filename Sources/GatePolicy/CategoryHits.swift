/// The lowest rule id of each category whose pattern ends at the path just
/// stepped to; -1 where none does.
struct CategoryHits {
    var hidden: Int32 = -1
    var deny: Int32 = -1
    var secret: Int32 = -1
    var except: Int32 = -1
    var allow: Int32 = -1
    var write: Int32 = -1

    @inline(__always)
    mutating func record(_ rule: Int32, _ category: RuleCategory) {
        @inline(__always) func lower(_ slot: inout Int32) {
            if slot < 0 || rule < slot { slot = rule }
        }
        switch category {
        case .hidden: lower(&hidden)
        case .deny: lower(&deny)
        case .secret: lower(&secret)
        case .except: lower(&except)
        case .allow: lower(&allow)
        case .write: lower(&write)
        }
    }
}
