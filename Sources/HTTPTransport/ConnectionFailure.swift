import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// What went wrong before any HTTP response, in the system's words (NIO's own descriptions nest several error types
/// and print errno numbers).
public enum ConnectionFailure {
    /// `unresolvedHint` says what a name that does not resolve usually means for this client's host.
    public static func reason(_ error: any Error, unresolvedHint: String) -> String {
        func reason(errno code: Int32) -> String {
            let text = String(cString: strerror(code)).lowercased()
            switch code {
            case ECONNREFUSED: return "\(text) (nothing listens on that port)"
            case ENETUNREACH, EHOSTUNREACH: return "\(text) (no route to the host: offline, or a firewall?)"
            default: return text
            }
        }
        let unresolved = "the host name does not resolve (DNS lookup failed: \(unresolvedHint))"
        switch error {
        case let io as IOError:
            return reason(errno: io.errnoCode)
        case let connection as NIOConnectionError:
            if let io = connection.connectionErrors.lazy.compactMap({ $0.error as? IOError }).first { return reason(errno: io.errnoCode) }
            if connection.connectionErrors.isEmpty && (connection.dnsAError != nil || connection.dnsAAAAError != nil) { return unresolved }
        case is SocketAddressError:
            return unresolved
        case let client as HTTPClientError where client == .connectTimeout:
            return "the connection timed out"
        default:
            break
        }
        return "connection error: \(error)"
    }
}
