/// A failed S3 request, said so that the person reading it at 3 a.m. knows what to change. It never holds the secret
/// key (requests are signed with it; it is never part of a message).
public struct S3Error: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The key does not exist (404 NoSuchKey, or a HEAD's bare 404).
        case notFound
        case noSuchBucket
        /// 412, or 409 ConditionalRequestConflict: a conditional write lost to another writer.
        case preconditionFailed
        case invalidAccessKey
        case signatureMismatch
        case clockSkew
        case accessDenied
        /// The bucket lives in another region (named when the store says which).
        case wrongRegion(String?)
        /// No HTTP response: refused, reset, timed out, or a name that does not resolve.
        case unreachable
        /// Transient failures (5xx, SlowDown, timeouts) on every attempt.
        case exhausted
        case other
    }

    public var kind: Kind
    /// The request in readers' words: `PUT s3://bucket/key`.
    public var request: String
    public var status: Int?
    public var code: String?
    public var message: String?
    /// Where the access key came from, for the remedy.
    public var credentialSource: String?

    public init(kind: Kind, request: String, status: Int? = nil, code: String? = nil, message: String? = nil, credentialSource: String? = nil) {
        self.kind = kind
        self.request = request
        self.status = status
        self.code = code
        self.message = message
        self.credentialSource = credentialSource
    }

    public var description: String {
        let answer = [status.map(String.init), code, message].compactMap { $0 }.joined(separator: " ")
        let what = answer.isEmpty ? request : "\(request): \(answer)"
        switch kind {
        case .notFound: return "\(what): the object does not exist"
        case .noSuchBucket: return "\(what): the bucket does not exist; create it, or fix the bucket name in --out"
        case .preconditionFailed: return "\(what): another writer changed this object first; nothing was overwritten"
        case .invalidAccessKey:
            return "\(what): the store does not know this access key; check AWS_ACCESS_KEY_ID\(sourceNote)"
        case .signatureMismatch:
            return "\(what): the signature does not match, so the secret access key is wrong for this access key; check AWS_SECRET_ACCESS_KEY\(sourceNote)"
        case .clockSkew:
            return "\(what): this machine's clock differs from the store's by more than 15 minutes; fix the clock (NTP) and run again"
        case .accessDenied:
            return "\(what): access denied; the key needs s3:GetObject, s3:PutObject, s3:DeleteObject, s3:ListBucket, s3:AbortMultipartUpload and s3:ListBucketMultipartUploads on the bucket and prefix (README, section 'Object storage')\(sourceNote)"
        case .wrongRegion(let region):
            return "\(what): the bucket is in another region; "
                + (region.map { "set AWS_REGION=\($0)" } ?? "set AWS_REGION to the bucket's region")
        case .unreachable: return "\(what): the store could not be reached; check AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL and the network"
        case .exhausted: return "\(what): the store kept failing; nothing was lost, run again later"
        case .other: return what
        }
    }

    private var sourceNote: String { credentialSource.map { " (the key came from \($0))" } ?? "" }
}
