import Foundation

/// moto's S3 in server mode (`moto_server` from the venv) on 127.0.0.1: a second S3 implementation. With
/// `checkingSignatures`, its first five requests are the readiness probe (`Loopback.answersHTTP`) and the making of an
/// IAM user, its key and the bucket (Tests/Interop/moto_setup.py); every later request must be signed with that key.
public final class MotoServer: S3TestServer, @unchecked Sendable {
    public let port: Int
    public let accessKey: String
    public let secretKey: String
    private let process: Process

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    public init(bucket: String, checkingSignatures: Bool) throws {
        let executable = Loopback.repositoryRoot.appendingPathComponent(".venv/bin/moto_server").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Missing(description: "no moto_server at \(executable): run `make venv` (Tests/Interop/requirements.txt installs moto[server])")
        }
        port = try Loopback.freePorts(1)[0]
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        var environment = ProcessInfo.processInfo.environment
        if checkingSignatures { environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "5" }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try Loopback.start(process, answeringOn: port, name: "moto_server")
        let setup = Process()
        setup.executableURL = URL(fileURLWithPath: Loopback.python)
        setup.arguments = [Loopback.repositoryRoot.appendingPathComponent("Tests/Interop/moto_setup.py").path, "http://127.0.0.1:\(port)", bucket]
        let output = Pipe()
        setup.standardOutput = output
        setup.standardError = output
        try setup.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        setup.waitUntilExit()
        guard setup.terminationStatus == 0, let keys = try? JSONSerialization.jsonObject(with: data) as? [String: String],
            let access = keys["accessKey"], let secret = keys["secretKey"]
        else {
            Loopback.stop(process)
            throw Missing(description: "moto_setup.py failed: \(String(decoding: data, as: UTF8.self))")
        }
        accessKey = access
        secretKey = secret
    }

    public func stop() {
        Loopback.stop(process)
    }

    deinit { stop() }
}
