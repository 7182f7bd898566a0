import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An S3 server the tests start on 127.0.0.1, with the one identity that may use it.
public protocol S3TestServer: AnyObject, Sendable {
    var endpoint: String { get }
    var accessKey: String { get }
    var secretKey: String { get }
    func stop()
}

extension S3TestServer {
    /// The environment a child process (the CLI, a Python reader) needs to reach this store.
    public var environment: [String: String] {
        ["AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": secretKey, "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": endpoint]
    }
}

/// A server the tests need and could not start: the test fails with this, it never skips.
public struct Missing: Error, CustomStringConvertible {
    public var description: String
}

/// Ports and probes on 127.0.0.1, and where the repository's venv is.
public enum Loopback {
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static var python: String { repositoryRoot.appendingPathComponent(".venv/bin/python").path }

    /// Ports free now (and, with `offset`, so is each port + offset: SeaweedFS takes it for gRPC).
    public static func freePorts(_ count: Int, alsoPlus offset: Int? = nil) throws -> [Int] {
        var ports: [Int] = []
        var candidate = Int.random(in: 20_000..<40_000)
        while ports.count < count {
            candidate += 1
            if isFree(candidate) && offset.map({ isFree(candidate + $0) }) != false { ports.append(candidate) }
        }
        return ports
    }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Something on 127.0.0.1:port answers HTTP (any status: an unsigned request gets 403).
    public static func answersHTTP(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { return false }
        let request = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 16)
        return read(fd, &buffer, 16) > 0 && buffer.starts(with: Array("HTTP/1.1".utf8))
    }
}
