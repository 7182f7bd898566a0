#if canImport(Glibc)
import Glibc
#endif

/// Messages to stderr that never stop the job: a full log disk, `2>/dev/full` or a closed pipe loses the
/// message, not the run (FileHandle's `write` traps on such errors).
enum StandardError {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        bytes.withUnsafeMutableBytes { raw in
            while offset < raw.count {
                let n = Glibc.write(2, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                offset += n
            }
        }
    }

    /// A closed stdout or stderr pipe must not kill the run by SIGPIPE: writes then fail and are dropped.
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }
}
