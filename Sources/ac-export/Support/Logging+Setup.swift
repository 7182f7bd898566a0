import Foundation
import Logging

/// Logger options shared by the subcommands that talk to the API or write files.
enum LogSetup {
    /// One process-wide bootstrap (swift-log allows exactly one).
    static func bootstrap(verbose: Bool, quiet: Bool, json: Bool) {
        let level: Logger.Level = verbose ? .debug : (quiet ? .error : .info)
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// One JSON object per log event on stderr, for orchestrators: counts and sizes (metadata given as
/// `.stringConvertible` numbers or booleans) are JSON numbers and booleans, everything else text.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: Any] = [
            "time": ISO8601DateFormatter().string(from: Date()), "level": event.level.rawValue,
            "logger": label, "message": event.message.description,
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = Self.json(value)
        }
        if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            StandardError.write(String(decoding: data, as: UTF8.self) + "\n")
        }
    }

    static func json(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let v as Int): v
        case .stringConvertible(let v as Int64): v
        case .stringConvertible(let v as UInt): v
        case .stringConvertible(let v as Double) where v.isFinite: v
        case .stringConvertible(let v as Bool): v
        case .stringConvertible(let v): v.description
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }
}
