/// Creation and last-update instants (seconds since the epoch, UTC) of one record: `cdate`/`udate` on contacts,
/// `cdate`/`mdate` on deals. Mutations override them; everything else in a record derives from its index.
struct RecordTimes: Sendable, Equatable {
    var created: Int64
    var updated: Int64
}
