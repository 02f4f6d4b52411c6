import Foundation
import Testing
import ZweTestSupport

@Suite("Liveness: a READY component that hangs is shown UNHEALTHY and restarted")
struct LivenessTests {
    /// `zwe_component_state{component="ID",state="STATE"}` of an exposition, as a number.
    static func stateGauge(_ text: String, component: String, state: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix("zwe_component_state{")
            && line.contains("component=\"\(component)\"") && line.contains("state=\"\(state)\"") {
            return Double(line.split(separator: " ").last ?? "")
        }
        return nil
    }

    @Test("SIGSTOP of jobs-api: liveness checks fail, UNHEALTHY in status (JSON and text), state file and metrics, then a new pid READY again")
    func hungComponentRestarted() throws {
        let fixture = try LauncherFixture()
        defer { fixture.tearDown() }
        let metricsPort = freePort()
        let (period, timeout, threshold, grace) = (1, 1, 2, 2)
        let instance = try fixture.instance("instance", extra: [
            "ZWE_LIVENESS_PERIOD": "\(period)", "ZWE_LIVENESS_TIMEOUT": "\(timeout)",
            "ZWE_LIVENESS_FAILURE_THRESHOLD": "\(threshold)", "ZWE_LAUNCHER_SHUTDOWN_TIMEOUT": "\(grace)",
            "ZWE_LAUNCHER_RESTART_INTERVALS": "1,1,1", "ZWE_METRICS_PORT": "\(metricsPort)",
        ])
        let started = try fixture.zwe(["start", "-c", instance])
        try #require(started.status == 0, "\(started)")

        // Healthy components stay READY through several periods.
        sleep(UInt32(period * (threshold + 1)))
        let calm = try fixture.status(instance)["components"] as? [[String: Any]] ?? []
        #expect(calm.count == 5 && calm.allSatisfy { $0["state"] as? String == "READY" && $0["restarts"] as? Int == 0 }, "\(calm)")

        let hung = try #require(try fixture.component("jobs-api", of: instance))
        let oldPID = try #require(hung["pid"] as? Int)
        try signalProcess(oldPID, SIGSTOP)
        let stoppedAt = Date()
        var states: [String] = []
        var unhealthyAfter: Double?
        var readyAgainAfter: Double?
        var newPID: Int?
        var unhealthyInMetrics: Double?
        var unhealthyInStateFile: String?
        var unhealthyInText = false
        // The budget: period × threshold for the failed checks (each check at most the timeout,
        // the next one a period after the last began), the grace before SIGKILL, the restart
        // interval, the new start, and a margin for a loaded machine.
        let budget = Double(period * threshold + timeout + grace + 1) + 10
        while Date().timeIntervalSince(stoppedAt) < budget {
            let item = try fixture.component("jobs-api", of: instance)
            let state = item?["state"] as? String ?? "?"
            if states.last != state { states.append(state) }
            if state == "UNHEALTHY", unhealthyAfter == nil {
                unhealthyAfter = Date().timeIntervalSince(stoppedAt)
                let scrape = try runProgram("curl", ["--silent", "--max-time", "2", "http://127.0.0.1:\(metricsPort)/metrics"])
                unhealthyInMetrics = Self.stateGauge(scrape.stdout, component: "jobs-api", state: "UNHEALTHY")
                let stateFile = FileManager.default.contents(atPath: instance + "/workspace/launcher.state.json") ?? Data()
                let children = ((try? JSONSerialization.jsonObject(with: stateFile)) as? [String: Any])?["children"] as? [[String: Any]] ?? []
                unhealthyInStateFile = children.first { $0["id"] as? String == "jobs-api" }?["state"] as? String
                let text = try fixture.zwe(["status", "-c", instance]).stdout
                unhealthyInText = text.split(separator: "\n").contains { $0.hasPrefix("jobs-api") && $0.contains("UNHEALTHY") }
            }
            if state == "READY", let pid = item?["pid"] as? Int, pid != oldPID {
                readyAgainAfter = Date().timeIntervalSince(stoppedAt)
                newPID = pid
                break
            }
            usleep(50_000)
        }
        let log = fixture.launcherLog(instance)
        print("LIVENESS SIGSTOP to UNHEALTHY \(unhealthyAfter.map { String(format: "%.2f s", $0) } ?? "never"), "
              + "to READY again \(readyAgainAfter.map { String(format: "%.2f s", $0) } ?? "never") "
              + "(period \(period) s, timeout \(timeout) s, threshold \(threshold), grace \(grace) s); states \(states)")
        #expect(unhealthyAfter != nil, "never UNHEALTHY; states \(states)\n\(log)")
        #expect(readyAgainAfter != nil, "not READY again with a new pid within \(budget) s; states \(states)\n\(log)")
        #expect(states.firstIndex(of: "UNHEALTHY").map { $0 < (states.lastIndex(of: "READY") ?? -1) } == true, "\(states)")
        #expect(unhealthyInMetrics == 1, "the launcher's metrics did not show jobs-api UNHEALTHY")
        #expect(unhealthyInStateFile == "UNHEALTHY", "the state file said \(unhealthyInStateFile ?? "nothing")")
        #expect(unhealthyInText, "zwe status (text) did not show jobs-api UNHEALTHY")
        // Each failed check takes the timeout; UNHEALTHY cannot come before the threshold's checks.
        #expect((unhealthyAfter ?? 0) >= Double(timeout * threshold) - 0.2, "UNHEALTHY too early: \(unhealthyAfter ?? 0) s")

        if let newPID { #expect(LauncherFixture.isAlive(pid_t(newPID))) }
        #expect(!LauncherFixture.isAlive(pid_t(oldPID)), "the hung process is still there")
        let after = try fixture.component("jobs-api", of: instance)
        #expect(after?["restarts"] as? Int == 1, "\(after ?? [:])")
        #expect(after?["health"] as? String == "UP")
        // A stopped process cannot act on SIGTERM: the grace runs out and SIGKILL ends it.
        #expect(after?["lastExitStatus"] as? String == "signal SIGKILL", "\(after ?? [:])")
        #expect(log.contains("ZWEL1616W liveness check of component jobs-api failed (1 of \(threshold) in a row)"), "\(log)")
        #expect(log.contains("ZWEL1617E component jobs-api is UNHEALTHY after \(threshold) failed liveness checks"), "\(log)")
        #expect(log.contains("ZWEL0063W component jobs-api("), "\(log)")
        #expect(log.contains("ZWEL0005I next attempt to restart component jobs-api in 1 seconds"), "\(log)")
        // Nothing else was touched.
        let others = try fixture.status(instance)["components"] as? [[String: Any]] ?? []
        for other in others where other["id"] as? String != "jobs-api" {
            #expect(other["state"] as? String == "READY" && other["restarts"] as? Int == 0, "\(other)")
        }
        #expect(try fixture.zwe(["stop", "-c", instance]).status == 0)
        #expect(LauncherFixture.processes(of: instance).isEmpty)
    }
}
