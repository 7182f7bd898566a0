import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A configuration file that holds the API key must be readable by its owner only: anyone who can read it can
/// act as the key's user on the ActiveCampaign account.
enum KeyFilePermissions {
    /// The warning for `path`, or nil when neither its group nor other users can read it.
    static func warning(forKeyFile path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let mode = info.st_mode & 0o777
        guard mode & 0o044 != 0 else { return nil }
        let readers = mode & 0o004 != 0 ? "every user of this machine" : "its group"
        return "warning: \(path) holds the API key and can be read by \(readers) (mode \(String(mode, radix: 8))); "
            + "restrict it with `chmod 600 \(path)`"
    }

    /// Prints the warning for `path` on stderr, if there is one. Never prints the key.
    static func warnIfReadableByOthers(_ path: String) {
        guard let warning = warning(forKeyFile: path) else { return }
        StandardError.write(warning + "\n")
    }
}
