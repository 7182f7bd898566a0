import Foundation

/// How hard the reliability suite pushes: `make test` runs every case with small counts, `make stress`
/// (AC_EXPORT_STRESS=1) the same cases with the stress counts (21 kills, 3 tries per fault, a field appearing on
/// page 500). Never a skip: both modes run everything.
enum StressScale {
    static let isStress = ProcessInfo.processInfo.environment["AC_EXPORT_STRESS"] == "1"

    /// `fast` in `make test`, `stress` in `make stress`.
    static func count(fast: Int, stress: Int) -> Int {
        isStress ? stress : fast
    }
}
