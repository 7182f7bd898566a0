/// An access key pair (and a session token for temporary credentials). Its description never shows the secret.
public struct S3Credentials: Sendable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    public var description: String { "access key \(accessKeyID) (secret \(Self.masked(secretAccessKey)))" }

    /// A secret as `config show` prints it: its length and nothing of it.
    public static func masked(_ secret: String) -> String { "<\(secret.count) characters, hidden>" }
}
