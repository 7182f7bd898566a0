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
        withSocket(port: port) { fd, address, length in bind(fd, address, length) == 0 }
    }

    /// Something on 127.0.0.1:port answers HTTP (any status: an unsigned request gets 403).
    public static func answersHTTP(port: Int) -> Bool {
        withSocket(port: port) { fd, address, length in
            guard connect(fd, address, length) == 0 else { return false }
            let request = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
            guard write(fd, request, request.count) == request.count else { return false }
            var buffer = [UInt8](repeating: 0, count: 16)
            return read(fd, &buffer, 16) > 0 && buffer.starts(with: Array("HTTP/1.1".utf8))
        }
    }

    /// `body` with a new TCP socket and the address of 127.0.0.1:port; the socket is closed after.
    private static func withSocket(port: Int, _ body: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Bool) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    /// Starts `process` and waits (up to a minute) until 127.0.0.1:port answers HTTP; kills it and throws if it does
    /// not. `log`: a file whose end goes into the error.
    public static func start(_ process: Process, answeringOn port: Int, name: String, log: String? = nil) throws {
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !answersHTTP(port: port) {
            guard process.isRunning, Date() < deadline else {
                stop(process)
                let output = log.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
                throw Missing(description: "\(name) did not start on 127.0.0.1:\(port)\(output.isEmpty ? "" : ":\n" + output.suffix(2000))")
            }
            usleep(50_000)
        }
    }

    /// SIGKILL (the servers do not all exit promptly on SIGTERM) and wait.
    public static func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
