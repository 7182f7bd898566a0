import ActiveCampaign
import ActiveCampaignMock
@testable import Export
import Foundation
import Testing

/// Options do exactly what they say, through the real CLI.
@Suite struct CommandLineOptionTests {
    /// Requests per second as the mock's request log saw them: any positive rate, fractional ones included.
    @Test(arguments: [0.5, 1.5, 2.5, 4.0])
    func theRateLimitIsHonouredExactly(rate: Double) async throws {
        try await ExportScenario.with("rate \(rate)", mock: MockConfiguration(contacts: 400, deals: 5)) { scenario in
            let outcome = try await scenario.run(
                ["run", "--out", scenario.lake, "--endpoints", "contacts", "--anchor-date", "2000-01-01", "--rate-limit", "\(rate)"])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            // The run's listing requests (its preflight `users/me` comes from a client of its own before them).
            let times = try scenario.requests().filter { $0.path.contains("contacts") }.map(\.time).sorted()
            try #require(times.count >= 4, "only \(times.count) requests")
            // Never more than the rate allows in any window (a whole rate may start its requests together within
            // each second; any other rate is spread one per 1/rate seconds), less 20% for jitter between our start and the server log...
            let whole = rate.rounded() == rate
            let (allowed, window) = whole ? (Int(rate), 1.0) : (1, 1 / rate)
            for (i, start) in times.enumerated() {
                let inWindow = times[i...].prefix { $0 < start + window * 0.8 }.count
                #expect(inWindow <= allowed, "--rate-limit \(rate): \(inWindow) requests within \(window) s")
            }
            // ... and no slower than it says.
            let measured = Double(times.count - 1) / (times.last! - times.first!)
            #expect(measured >= rate * 0.85, "--rate-limit \(rate): \(measured) requests/s over \(times.count) requests")
        }
    }

    @Test func repeatedEndpointsCountOnceAndAnEmptyListIsAUsageError() async throws {
        try await ExportScenario.with("endpoints list", mock: MockConfiguration(contacts: 10, deals: 5)) { scenario in
            let twice = try await scenario.run(["run", "--out", scenario.lake, "--endpoints", "tags,tags, tags", "--rate-limit", "100"])
            #expect(twice.status == 0, "\(twice.stderr)")
            #expect(twice.stdout.split(separator: "\n").filter { $0.hasPrefix("tags ") }.count == 1, "\(twice.stdout)")
            let empty = try await scenario.run(["run", "--out", scenario.lake + "-empty", "--endpoints", ""])
            #expect(empty.status == 2 && empty.stderr.contains("--endpoints is empty"), "\(empty.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scenario.lake + "-empty"))
        }
    }

    @Test func dotEnvFollowsTheUsualConventions() async throws {
        let folder = try LakeHarness.temporaryDirectory("dotenv")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
            # the account
            export ACTIVECAMPAIGN_BASE_URL=https://acme.api-us1.com   # inline comment
            ACTIVECAMPAIGN_API_KEY="abc#def"  # a quoted # is part of the value
            ACTIVECAMPAIGN_ANCHOR_DATE='2024-01-01'\r
            """.write(toFile: folder + "/.env", atomically: true, encoding: .utf8)
        chmod(folder + "/.env", 0o600)
        let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["config", "show"], environment: [:], in: folder)
        #expect(status == 0, "\(output)")
        #expect(output.contains("https://acme.api-us1.com/api/3   (.env)"), "\(output)")
        #expect(output.contains("set, 7 characters"), "\(output)")
        #expect(output.contains("2024-01-01T00:00:00Z"), "\(output)")
    }

    /// A `.env` that exists but does not read is an error naming it, not a missing `.env` (whose settings the run
    /// would silently go without).
    @Test func anUnreadableDotEnvIsAnError() async throws {
        let folder = try LakeHarness.temporaryDirectory("dotenv-unreadable")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/.env", withIntermediateDirectories: true)
        let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["config", "show"], environment: [:], in: folder)
        #expect(status == 2 && output.contains(".env") && output.contains("Is a directory"), "\(output)")
    }

    @Test func checkListsOnlyTheOptionsItUses() async throws {
        let (status, help) = try await LakeHarness.run(LakeHarness.cli, ["check", "--help"])
        #expect(status == 0)
        #expect(help.contains("--base-url") && help.contains("--api-key-file") && help.contains("--ca-bundle"))
        for unused in ["--out", "--endpoints", "--anchor-date", "--full-refresh"] {
            #expect(!help.contains(unused), "check --help lists \(unused)")
        }
    }

    @Test func theModeIsSpelledOneWay() async throws {
        let (_, listing) = try await LakeHarness.run(LakeHarness.cli, ["endpoints"])
        #expect(listing.contains("full_refresh") && !listing.contains("full-refresh"))
        let folder = try LakeHarness.temporaryDirectory("mode-spelling")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "streams:\n  deals: { mode: full_refresh }\n".write(toFile: folder + "/r.yaml", atomically: true, encoding: .utf8)
        let (status, shown) = try await LakeHarness.run(LakeHarness.cli, ["config", "show", "--config", folder + "/r.yaml"], environment: [:], in: folder)
        #expect(status == 0 && shown.contains("deals (full_refresh)"), "\(shown)")
    }
}

/// Logging never kills the job: with stderr on a full device, the run commits and exits with its own code.
@Suite struct UnwritableLogTests {
    @Test func aRunWhoseStderrIsFullStillCommitsAndExitsZero() async throws {
        try await ExportScenario.with("stderr to /dev/full", mock: MockConfiguration(contacts: 50, deals: 5)) { scenario in
            let command = "\"$0\" run --out \"$1\" --endpoints contacts,tags --anchor-date 2000-01-01 --rate-limit 100 -v 2>/dev/full"
            let (status, output) = try await LakeHarness.run(
                "/bin/sh", ["-c", command, LakeHarness.cli, scenario.lake], environment: scenario.environment, in: scenario.workingDirectory)
            #expect(status == 0, "\(output)")
            #expect(output.contains("all endpoints succeeded"), "\(output)")
            let tally = try await scenario.tally(["contacts", "tags"])
            #expect(tally.isExactlyOnce, "\(tally.summary)")
            #expect(!FileManager.default.fileExists(atPath: scenario.lake + "/_staging") || (FileManager.default.subpaths(atPath: scenario.lake + "/_staging") ?? []).allSatisfy { !$0.hasSuffix(".parquet") })
        }
    }
}

/// Paths a run cannot write are usage errors found before it starts, in the system's words.
@Suite struct OutputPathTests {
    let account = ["ACTIVECAMPAIGN_API_KEY": "k", "ACTIVECAMPAIGN_BASE_URL": "http://127.0.0.1:9"]

    @Test func unusableOutputPathsStopTheRunBeforeItStarts() async throws {
        let folder = try LakeHarness.temporaryDirectory("paths")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/a-file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["--out", file], "--out \(file): Not a directory"),
            (["--out", ""], "--out is empty"),
            (["--out", file + "/lake"], "--out \(file)/lake: Not a directory"),
            (["--out", folder + "/lake", "--summary-json", folder], "--summary-json \(folder): Is a directory"),
            (["--out", folder + "/lake", "--summary-json", folder + "/missing/summary.json"], "No such file or directory"),
        ]
        for (arguments, message) in cases {
            let started = ContinuousClock.now
            let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["run", "--endpoints", "tags"] + arguments, environment: account)
            #expect(status == 2, "\(arguments): \(output)")
            #expect(output.contains(message), "\(arguments): \(output)")
            #expect(ContinuousClock.now - started < .seconds(3), "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/lake"))
    }

    /// An unreachable host ends the run in seconds with exit 2, not after minutes of retries.
    @Test func anUnreachableHostStopsTheRunFast() async throws {
        let folder = try LakeHarness.temporaryDirectory("unreachable")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let started = ContinuousClock.now
        let (status, output) = try await LakeHarness.run(LakeHarness.cli, ["run", "--out", folder + "/lake", "--endpoints", "tags"], environment: account)
        #expect(status == 2, "\(output)")
        #expect(output.contains("could not reach 127.0.0.1:9") && output.contains("connection refused") && output.contains("before writing anything"), "\(output)")
        #expect(!output.contains("errno"), "NIO's internal wording: \(output)")
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(!FileManager.default.fileExists(atPath: folder + "/lake"))
    }
}

/// An account that keeps answering 429 needs a lower `--rate-limit`: the failure says so, with the rate observed.
@Suite struct RateLimitedAccountTests {
    @Test func persistent429sSuggestALowerRateLimit() async throws {
        let faults = [MockFaultRule(path: "tags", requests: 0..<100, fault: .status(429, retryAfter: 0))]
        try await ExportScenario.with("429 on every attempt", mock: MockConfiguration(contacts: 10, deals: 5, faults: faults)) { scenario in
            let outcome = try await scenario.run(["run", "--out", scenario.lake, "--endpoints", "tags", "--rate-limit", "20"])
            #expect(outcome.status == 1, "\(outcome.stderr)")
            let text = outcome.stdout + outcome.stderr
            #expect(text.contains("lower --rate-limit") && text.contains("requests/s"), "\(text)")
        }
    }
}

/// A run that stops moving ends with a message instead of hanging: the stall watchdog.
@Suite struct StallTests {
    @Test func aStuckRequestEndsTheRunWithAMessage() async throws {
        let faults = [MockFaultRule(path: "contacts", requests: 1..<2, fault: .stall(seconds: 60))]
        try await ExportScenario.with("stuck request", mock: MockConfiguration(contacts: 300, deals: 5, faults: faults)) { scenario in
            let started = ContinuousClock.now
            let outcome = try await scenario.run(scenario.runArguments(["contacts"], ["--request-timeout", "120", "--stall-timeout", "3"]))
            #expect(outcome.status == 1, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("is stuck") && outcome.stderr.contains("next run resumes"), "\(outcome.stderr)")
            #expect(ContinuousClock.now - started < .seconds(30))
            let manifest = try scenario.manifest()
            #expect(manifest.runs.last?.status == "cancelled", "\(String(describing: manifest.runs.last))")
            let again = try await scenario.run(scenario.runArguments(["contacts"]))
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try await scenario.tally(["contacts"]).isExactlyOnce)
        }
    }
}

/// `ac-export status LAKE`: what a lake holds, from its manifest.
@Suite struct StatusCommandTests {
    @Test func statusShowsEndpointsWatermarksCheckpointsAndTheLastRun() async throws {
        try await ExportScenario.with("status", mock: MockConfiguration(contacts: 250, deals: 5)) { scenario in
            let outcome = try await scenario.run(scenario.runArguments(["contacts", "tags"]))
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let manifest = try scenario.manifest()
            let (status, text) = try await LakeHarness.run(LakeHarness.cli, ["status", scenario.lake])
            #expect(status == 0, "\(text)")
            let contactsLine = text.split(separator: "\n").first { $0.hasPrefix("contacts ") }.map(String.init) ?? ""
            #expect(contactsLine.contains(" 250 ") && contactsLine.contains(manifest.endpoints["contacts"]!.watermark!), "\(text)")
            #expect(text.contains("last run \(manifest.runs.last!.id): succeeded") && text.contains(scenario.baseURL.lowercased()), "\(text)")
            let (jsonStatus, json) = try await LakeHarness.run(LakeHarness.cli, ["status", scenario.lake, "--json"])
            #expect(jsonStatus == 0)
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let endpoints = object?["endpoints"] as? [[String: Any]] ?? []
            #expect(endpoints.first { $0["endpoint"] as? String == "tags" }?["rows"] as? Int == manifest.endpoints["tags"]!.files.reduce(0) { $0 + $1.rows })
            let (missing, message) = try await LakeHarness.run(LakeHarness.cli, ["status", scenario.lake + "-nothing"])
            #expect(missing == 2 && message.contains("no _manifest.json"), "\(message)")
        }
    }
}

/// `inspect` for people: ISO text for instants and dates, long strings cut, typed JSON, other writers' codecs named.
@Suite struct InspectOutputTests {
    @Test func timestampsAndDatesReadAsISOTextAndLongStringsAreCut() async throws {
        let folder = try LakeHarness.temporaryDirectory("inspect")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let long = String(repeating: "x", count: 200)
        try #"{"contacts":[{"id":"1","cdate":"2024-03-14T09:41:27-05:00","seen":"2024-03-14 09:41:27","birthday":"1990-07-01","note":"\#(long)"}],"meta":{"total":"1"}}"#
            .write(toFile: folder + "/page.json", atomically: true, encoding: .utf8)
        let (converted, output) = try await LakeHarness.run(LakeHarness.cli, ["convert", "--endpoint", "contacts", "--out", folder + "/lake", "--quiet", folder + "/page.json"])
        #expect(converted == 0, "\(output)")
        let file = try #require(FileManager.default.subpaths(atPath: folder + "/lake/contacts")?.first { $0.hasSuffix(".parquet") })
        let path = folder + "/lake/contacts/" + file
        let (status, text) = try await LakeHarness.run(LakeHarness.cli, ["inspect", path])
        #expect(status == 0, "\(text)")
        #expect(text.contains("cdate=2024-03-14T14:41:27Z") && text.contains("seen=2024-03-14T09:41:27 ") && text.contains("birthday=1990-07-01"), "\(text)")
        #expect(text.contains("min 2024-03-14T14:41:27Z") && text.contains("note=" + String(repeating: "x", count: 59) + "…"), "\(text)")
        let (_, json) = try await LakeHarness.run(LakeHarness.cli, ["inspect", path, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let row = (object?["rows"] as? [[String: Any]])?.first
        #expect(row?["id"] as? Int == 1 && row?["cdate"] as? String == "2024-03-14T14:41:27Z" && row?["note"] as? String == long, "\(String(describing: row))")

        // created_by names the build: the configuration and the commit of this checkout (as --version does).
        let (gitStatus, head) = try await LakeHarness.run("/usr/bin/git", ["-C", LakeHarness.repositoryRoot.path, "rev-parse", "--short=12", "HEAD"])
        let commit = gitStatus == 0 ? head.trimmingCharacters(in: .whitespacesAndNewlines) : "unknown"
        let createdBy = object?["created_by"] as? String ?? ""
        #expect(createdBy.hasPrefix("ac-export version ") && createdBy.contains("(build debug \(commit)"), "\(createdBy), HEAD \(commit)")
        let (_, version) = try await LakeHarness.run(LakeHarness.cli, ["--version"])
        #expect(createdBy.contains(version.trimmingCharacters(in: .whitespacesAndNewlines)), "--version \(version) vs created_by \(createdBy)")
    }

    /// pyarrow's SNAPPY and ZSTD files show their rows; a codec this reader does not decode (BROTLI) is named.
    @Test func filesOfOtherWritersShowTheirRowsOrNameTheCodec() async throws {
        let folder = try LakeHarness.temporaryDirectory("inspect-codecs")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for codec in ["snappy", "zstd", "brotli"] {
            let file = folder + "/\(codec).parquet"
            let (made, madeOutput) = try await LakeHarness.run(
                LakeHarness.python, ["-c", "import pyarrow as pa, pyarrow.parquet as pq, sys; pq.write_table(pa.table({'a': [17, 42]}), sys.argv[1], compression=sys.argv[2])", file, codec])
            #expect(made == 0, "\(madeOutput)")
            let (status, text) = try await LakeHarness.run(LakeHarness.cli, ["inspect", file])
            #expect(status == 0 && text.contains(codec.uppercased()) && text.contains("a: INT64"), "\(text)")
            if codec == "brotli" {
                #expect(text.contains("rows not shown"), "\(text)")
            } else {
                #expect(!text.contains("rows not shown") && text.contains("42"), "\(text)")
            }
        }
    }
}

/// A bare relative `--out` (no slash): the path checks and the folder creation find its parent (`.`).
@Suite struct RelativeOutputTests {
    @Test func aBareRelativeOutputFolderWorks() async throws {
        try await ExportScenario.with("bare relative out", mock: MockConfiguration(contacts: 20, deals: 5)) { scenario in
            let outcome = try await scenario.run(["run", "--out", "lake", "--endpoints", "tags", "--rate-limit", "100"])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(FileManager.default.fileExists(atPath: scenario.workingDirectory + "/lake/_manifest.json"))
            try? FileManager.default.removeItem(atPath: scenario.workingDirectory + "/lake")
        }
    }
}

/// `make install` puts the binary and its shell completions under PREFIX (the release build in use; the test
/// installs the debug build it already has, with `SWIFT=true` so that make builds nothing inside the test run).
@Suite struct InstallTests {
    @Test func makeInstallPutsTheBinaryAndCompletionsUnderPrefix() async throws {
        let prefix = try LakeHarness.temporaryDirectory("install")
        defer { try? FileManager.default.removeItem(atPath: prefix) }
        let (status, output) = try await LakeHarness.run(
            "/usr/bin/make", ["-C", LakeHarness.repositoryRoot.path, "install", "PREFIX=" + prefix, "CONFIGURATION=debug", "SWIFT=true"])
        #expect(status == 0, "\(output)")
        let (_, installed) = try await LakeHarness.run(prefix + "/bin/ac-export", ["--version"])
        let (_, built) = try await LakeHarness.run(LakeHarness.cli, ["--version"])
        #expect(!installed.isEmpty && installed == built, "installed \(installed), built \(built)")
        let (bash, complete) = try await LakeHarness.run(
            "/bin/bash", ["-c", "source \"$1/share/bash-completion/completions/ac-export\" && complete -p ac-export", "bash", prefix])
        #expect(bash == 0 && complete.contains("ac-export"), "\(complete)")
        for file in ["share/zsh/site-functions/_ac-export", "share/fish/vendor_completions.d/ac-export.fish"] {
            let text = (try? String(contentsOfFile: prefix + "/" + file, encoding: .utf8)) ?? ""
            #expect(text.contains("anchor-date") && text.contains("summary-json"), "\(file): \(text.prefix(200))")
        }
    }
}

/// `run --limit N` reads at most N records per endpoint and shows them; it writes to the lake never, and keeps the
/// sample as Parquet files only in a new folder given with `--sample-out`.
@Suite struct LimitTests {
    @Test func aLimitedRunShowsASampleAndLeavesTheLakeAlone() async throws {
        try await ExportScenario.with("limit", mock: MockConfiguration(contacts: 500, deals: 5)) { scenario in
            let preview = try await scenario.run(scenario.runArguments(["contacts", "tags"], ["--limit", "7"]))
            #expect(preview.status == 0, "\(preview.combined)")
            #expect(preview.stdout.contains("contacts: 7 records") && preview.stdout.contains("tags: 7 records"), "\(preview.stdout)")
            #expect(preview.stdout.contains("id=") && preview.stdout.contains("email STRING"), "\(preview.stdout)")
            #expect(preview.stdout.contains("nothing was written"), "\(preview.stdout)")
            #expect(!FileManager.default.fileExists(atPath: scenario.lake), "--limit wrote to the lake")
            // One page of contacts is enough for 7: the listing stops there.
            #expect(try scenario.requests().filter { $0.path == "/api/3/contacts" }.count == 1)

            let sample = scenario.lake + "-sample"
            let kept = try await scenario.run(scenario.runArguments(["contacts", "tags"], ["--limit", "7", "--sample-out", sample]))
            #expect(kept.status == 0, "\(kept.combined)")
            let audit = try await LakeAudit.read(lake: sample, endpoints: ["contacts", "tags"])
            #expect(audit.endpoints["contacts"]?.ids.count == 7 && audit.endpoints["tags"]?.ids.count == 7)
            #expect(!FileManager.default.fileExists(atPath: scenario.lake))

            let refused = try await scenario.run(scenario.runArguments(["tags"], ["--limit", "7", "--sample-out", sample]))
            #expect(refused.status == 2 && refused.stderr.contains("is not empty"), "\(refused.combined)")
            let unlimited = try await scenario.run(scenario.runArguments(["tags"], ["--sample-out", sample]))
            #expect(unlimited.status == 2 && unlimited.stderr.contains("give --limit too"), "\(unlimited.combined)")
        }
    }
}
