#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Messages to stderr that never stop the job: a full log disk, `2>/dev/full` or a closed pipe loses the
/// message, not the run (FileHandle's `write` traps on such errors).
enum StandardError {
    /// While a live progress display owns the bottom of the terminal, it writes messages above itself.
    private static let overlay = Mutex<(@Sendable (String) -> Void)?>(nil)

    static func setOverlay(_ writer: (@Sendable (String) -> Void)?) {
        overlay.withLock { $0 = writer }
    }

    static func write(_ text: String) {
        if let writer = overlay.withLock({ $0 }) {
            writer(text)
        } else {
            writeDirectly(text)
        }
    }

    /// Bypasses the overlay (the display itself).
    static func writeDirectly(_ text: String) {
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
