import Glibc

/// The xattr calls, looked up with dlsym: Swift's Glibc module does not
/// include <sys/xattr.h>.
enum Xattr {
    private typealias SetFn = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32
    private typealias FSetFn = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32
    private typealias RemoveFn = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>) -> Int32

    private static func symbol<T>(_ name: String, as: T.Type) -> T {
        guard let p = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {   // RTLD_DEFAULT
            fatalError("libc has no \(name)")
        }
        return unsafeBitCast(p, to: T.self)
    }

    static func set(_ path: String, _ name: String, _ value: String) -> Int32 {
        let fn = symbol("setxattr", as: SetFn.self)
        return value.withCString { v in fn(path, name, v, strlen(v), 0) }
    }

    static func set(fd: Int32, _ name: String, _ value: String) -> Int32 {
        let fn = symbol("fsetxattr", as: FSetFn.self)
        return value.withCString { v in fn(fd, name, v, strlen(v), 0) }
    }

    static func remove(_ path: String, _ name: String) -> Int32 {
        symbol("removexattr", as: RemoveFn.self)(path, name)
    }
}
