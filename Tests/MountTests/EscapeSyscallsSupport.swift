import Foundation
import Glibc

/// lgetxattr, llistxattr, renameat2 and copy_file_range, looked up with
/// dlsym: Swift's Glibc module has neither <sys/xattr.h> nor these two.
enum EscapeSyscalls {
    private typealias GetFn = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
    private typealias ListFn = @convention(c) (UnsafePointer<CChar>, UnsafeMutablePointer<CChar>?, Int) -> Int
    private typealias Rename2Fn = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    private static func symbol<T>(_ name: String, as: T.Type) -> T {
        guard let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { fatalError("libc has no \(name)") }
        return unsafeBitCast(p, to: T.self)
    }

    /// lgetxattr: the value, or the errno.
    static func get(_ path: [UInt8], _ name: String) -> Result<[UInt8], Posix.Errno> {
        let fn = symbol("lgetxattr", as: GetFn.self)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = EscapeRawFS.withPath(path) { p in buffer.withUnsafeMutableBytes { fn(p, name, $0.baseAddress, $0.count) } }
        return n >= 0 ? .success(Array(buffer[..<n])) : .failure(Posix.Errno(errno))
    }

    /// llistxattr: the names, or the errno.
    static func list(_ path: [UInt8]) -> Result<[String], Posix.Errno> {
        let fn = symbol("llistxattr", as: ListFn.self)
        var buffer = [CChar](repeating: 0, count: 65_536)
        let n = EscapeRawFS.withPath(path) { p in fn(p, &buffer, buffer.count) }
        guard n >= 0 else { return .failure(Posix.Errno(errno)) }
        return .success(buffer[..<n].split(separator: 0).map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) })
    }

    /// Every (name, value) pair readable on `path`.
    static func all(_ path: [UInt8]) -> [(String, [UInt8])] {
        guard case .success(let names) = list(path) else { return [] }
        return names.compactMap { n in
            if case .success(let v) = get(path, n) { return (n, v) }
            return nil
        }
    }

    private typealias CopyFn = @convention(c) (Int32, UnsafeMutablePointer<Int64>?, Int32, UnsafeMutablePointer<Int64>?, Int, UInt32) -> Int

    /// copy_file_range(from at offset 0, to at its position, count): the bytes copied or -1.
    static func copyFileRange(from: Int32, to: Int32, count: Int) -> Int {
        var offset: Int64 = 0
        return symbol("copy_file_range", as: CopyFn.self)(from, &offset, to, nil, count, 0)
    }

    static let renameExchange: UInt32 = 2
    static let renameNoReplace: UInt32 = 1
    static let renameWhiteout: UInt32 = 4

    /// renameat2(AT_FDCWD, from, AT_FDCWD, to, flags): 0 or the errno.
    static func rename2(_ from: String, _ to: String, flags: UInt32) -> Int32 {
        rename2(at: AT_FDCWD, from, to, flags: flags)
    }

    /// renameat2(dir, from, dir, to, flags): both names in the one directory `dir`.
    static func rename2(at dir: Int32, _ from: String, _ to: String, flags: UInt32) -> Int32 {
        symbol("renameat2", as: Rename2Fn.self)(dir, from, dir, to, flags) == 0 ? 0 : errno
    }
}
