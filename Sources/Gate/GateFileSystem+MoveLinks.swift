import GatePolicy
import GateSystem
import SystemPackage

extension GateFileSystem {
    /// Entries a directory move looks through for links at most; a larger
    /// tree answers EXDEV, and mv(1) copies it instead (each link it makes
    /// is judged as it is made).
    static let movedTreeScanLimit = 100_000

    /// Whether every symlink beneath the directory `name` in `dir` would
    /// still hold its target at `place`, where the directory is moving:
    /// judged by the policy alone, from the link's new place. A relative
    /// link moves with its directory, so one that climbed out of it
    /// (`../../x`) names another place afterwards, maybe above the source
    /// or in a folder the view hides.
    func linksStayInside(_ name: [UInt8], in dir: OwnedFD, expecting identity: FileIdentity, movingTo place: WriteTarget) -> Bool {
        guard let top = try? reopen(name, in: dir, expecting: identity, as: .directory).fd,
              let cursor = policy.step(place.parent.cursor!, name: place.name, isDirectory: true).1 else { return false }
        var chain: [PolicyCursor] = []
        for ino in table.ancestry(of: place.parentIno) {
            guard let c = table.record(ino)?.cursor else { return false }
            chain.append(c)
        }
        chain.append(cursor)
        var budget = GateFileSystem.movedTreeScanLimit
        return linksStayInside(top, chain: chain, budget: &budget)
    }

    /// One directory of the moved tree, then its subdirectories.
    private func linksStayInside(_ dirFD: OwnedFD, chain: [PolicyCursor], budget: inout Int) -> Bool {
        guard let stream = try? Sys.reopenDirectory(dirFD.descriptor),
              let names = try? Sys.directoryNames(stream.descriptor) else { return false }
        budget -= names.count
        guard budget >= 0 else { return false }
        for name in names {
            guard let st = try? Sys.stat(in: dirFD.descriptor, name) else { return false }
            switch st.kind {
            case .symlink:
                guard let text = try? Sys.readlink(in: dirFD.descriptor, name),
                      text.first != UInt8(ascii: "/"), !text.isEmpty else { return false }
                var walk = chain
                let names = text.split(separator: UInt8(ascii: "/")).map(Array.init)
                guard (try? lexicalTarget(names, chain: &walk, climbs: true)) != nil else { return false }
            case .directory:
                // A subdirectory the policy hides keeps its links unseen; judge them all the same.
                let next = policy.step(chain[chain.count - 1], name: name, isDirectory: true).1 ?? chain[chain.count - 1]
                guard let sub = try? reopen(name, in: dirFD, expecting: st.identity, as: .directory).fd,
                      linksStayInside(sub, chain: chain + [next], budget: &budget) else { return false }
            default:
                continue
            }
        }
        return true
    }
}
