// ReliabilityTests: the failure cases of quality.md (R1-R7) as scenarios against real
// instances, the security checks and the bad-input cases. `scripts/reliability.sh` runs them,
// with `--quick` in CI (seconds per scenario, also the default of a plain `swift test`);
// without it (ZWE_RELIABILITY=full), each scenario runs for as long as quality.md says. Every scenario
// prints one `RELIABILITY` line with its figures, which the script gathers into its summary.
import Foundation
import ZweTestSupport

enum Reliability {
    /// Quick unless ZWE_RELIABILITY=full (scripts/reliability.sh without --quick): a plain
    /// `swift test` runs every target at once, and minute-long scenarios beside it would only
    /// starve the timing of the others.
    static let quick = ProcessInfo.processInfo.environment["ZWE_RELIABILITY"] != "full"

    /// `full` seconds, or `short` in the quick form.
    static func seconds(full: Double, quick short: Double) -> Double { quick ? short : full }

    /// One line of figures for the summary.
    static func report(_ id: String, _ text: String) {
        print("RELIABILITY \(id) \(text)")
    }
}

/// What the load client counted.
struct LoadResult: CustomStringConvertible {
    let ok: Int
    let failed: Int
    let kinds: [String: Int]
    let examples: [String]
    var total: Int { ok + failed }
    var availability: Double { total == 0 ? 0 : Double(ok) / Double(total) * 100 }
    var description: String {
        String(format: "%.2f%% (%d of %d requests answered 200)", availability, ok, total)
            + (failed > 0 ? "; failures \(kinds) e.g. \(examples.prefix(3))" : "")
    }
}

/// Tests/Fixtures/gateway-load.py, run for `seconds` from `connections` keep-alive
/// connections, each pausing `pauseMilliseconds` between requests.
final class GatewayLoad {
    let running: Harness.Running
    let resultFile: String

    init(url: String, ca: String, seconds: Double, connections: Int, pauseMilliseconds: Int, scratch: String) throws {
        resultFile = scratch + "/load-\(UUID().uuidString).json"
        running = try Harness.start("python3", [
            Programs.packageRoot + "/Tests/Fixtures/gateway-load.py", url, ca, "\(seconds)", "\(connections)",
            "\(pauseMilliseconds)", resultFile,
        ])
    }

    /// Waits for the client to finish and reads its counts.
    func result() throws -> LoadResult {
        let finished = running.finish()
        guard let data = FileManager.default.contents(atPath: resultFile),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TestFailure("the load client wrote no result: \(finished)")
        }
        return LoadResult(ok: object["ok"] as? Int ?? 0, failed: object["failed"] as? Int ?? 0,
                          kinds: object["kinds"] as? [String: Int] ?? [:], examples: object["examples"] as? [String] ?? [])
    }
}

extension LauncherFixture {
    /// The components of the status output.
    func components(_ instance: String) throws -> [[String: Any]] {
        try status(instance)["components"] as? [[String: Any]] ?? []
    }

    /// Open descriptors and resident memory (kB) of a process, from /proc.
    static func resources(of pid: pid_t) -> (descriptors: Int, residentKilobytes: Int) {
        let descriptors = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []).count
        return (descriptors, residentKilobytes(of: pid) ?? 0)
    }
}

/// Numbered lines (`line 1` ... `line N`, as the test component writes them) of a component's
/// logs, rotated files first, split where a new run starts again at `line 1`.
func numberedRuns(component: String, instance: String) -> [[Int]] {
    let logs = instance + "/logs"
    var files = ((try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? []).filter { $0 == "\(component).log" || $0.hasPrefix("\(component).log.") }
    files.sort { lhs, rhs in
        let left = Int(lhs.split(separator: ".").last ?? "") ?? 0
        let right = Int(rhs.split(separator: ".").last ?? "") ?? 0
        return left > right  // oldest (highest number) first, the current file last
    }
    var runs: [[Int]] = []
    for file in files {
        let text = (try? String(contentsOfFile: logs + "/" + file, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            guard line.hasPrefix("line "), let number = Int(line.dropFirst(5).prefix { $0.isNumber }) else { continue }
            if number == 1 || runs.isEmpty { runs.append([]) }
            runs[runs.count - 1].append(number)
        }
    }
    return runs
}
