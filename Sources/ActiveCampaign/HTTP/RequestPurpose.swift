/// What a request is for, so a failure can be explained in those terms.
enum RequestPurpose: Sendable {
    /// `GET users/me` before anything else.
    case credentialCheck
    /// A page of this endpoint (its own path, or its parent's for `deal_stages`).
    case list(Endpoint)
}
