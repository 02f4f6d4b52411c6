import Foundation
import Testing
import ZweTestSupport

/// R1 and R6: the default components plus a service of two test-component instances behind
/// the gateway (a static definition, so that the gateway has somewhere else to go when one of
/// them is down), under a restart policy made for the test: no delay, a list long enough for
/// every kill, and a minimum uptime longer than the test so that no count is reset.
@Suite("R1, R6: components killed and restarted under load", .serialized)
struct ChaosTests {
    static let floodLines = 200
    static let restartList = Array(repeating: 0, count: 80)

    struct ChaosInstance {
        let fixture: LauncherFixture
        let instance: String
        let gateway: String
        var ca: String { fixture.keystore + "/local_ca/localca.cer" }
        var serviceURL: String { gateway + "/chaos/api/v1/application/health" }
    }

    static func makeInstance(_ name: String = #function) throws -> ChaosInstance {
        let fixture = try LauncherFixture(name)
        let specs = ["a", "b"].map { letter in
            TestComponentSpec(id: "chaos-\(letter)", jobCode: "C\(letter.uppercased())", restartIntervals: restartList,
                              minUptime: 3600, script: "export TEST_COMPONENT_FLOOD_LINES=\(floodLines)")
        }
        let instance = try fixture.instance("instance", external: specs, extra: [
            "ZWE_LAUNCHER_RESTART_INTERVALS": restartList.map(String.init).joined(separator: ","),
            "ZWE_LAUNCHER_MIN_UPTIME": "3600",
        ])
        try writeStaticService("chaos", ports: specs.map { try configuredPort($0.portVariable, instance: instance) }, instance: instance)
        let started = try fixture.zwe(["start", "-c", instance])
        guard started.status == 0 else { throw TestFailure("zwe start: \(started)\n\(fixture.launcherLog(instance))") }
        let chaos = ChaosInstance(fixture: fixture, instance: instance,
                                  gateway: "https://localhost:\(try configuredPort("GATEWAY_PORT", instance: instance))")
        // Discovery reads the static definition at start, and the gateway learns it just after.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let answer = try Harness.run("curl", ["--silent", "--output", "/dev/null", "--write-out", "%{http_code}",
                                                  "--cacert", chaos.ca, "--max-time", "5", chaos.serviceURL])
            if answer.stdout == "200" { return chaos }
            usleep(200_000)
        }
        throw TestFailure("the gateway does not route to the chaos service\n\(fixture.launcherLog(instance))")
    }

    @Test("R1: a component other than the gateway killed every 2 s; restarted per policy, all READY, no orphan, no lost line, 99% of requests served")
    func randomKills() throws {
        let chaos = try Self.makeInstance()
        let fixture = chaos.fixture, instance = chaos.instance
        let duration = Reliability.seconds(full: 60, quick: 12)
        let load = try GatewayLoad(url: chaos.serviceURL, ca: chaos.ca, seconds: duration + 1, connections: 2,
                                   pauseMilliseconds: 5, scratch: fixture.scratch.path)
        var kills: [String: Int] = [:]
        var killed: [pid_t] = []
        let end = Date().addingTimeInterval(duration)
        while Date().addingTimeInterval(2) <= end {
            usleep(2_000_000)
            let ready = try fixture.components(instance).filter {
                $0["id"] as? String != "gateway" && $0["state"] as? String == "READY"
            }
            guard let victim = ready.randomElement(), let id = victim["id"] as? String, let pid = victim["pid"] as? Int else { continue }
            try signalProcess(pid, SIGKILL)
            kills[id, default: 0] += 1
            killed.append(pid_t(pid))
        }
        let served = try load.result()
        let totalKills = kills.values.reduce(0, +)
        Reliability.report("R1", "\(Int(duration)) s, \(totalKills) kills \(kills.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")); availability \(served)")
        #expect(served.availability >= 99, "\(served)")
        #expect(totalKills >= Int(duration / 2) - 1, "kills: \(kills)")

        // Each kill is one restart, and everything is READY again.
        let settled = try fixture.wait(instance, seconds: 30) { status in
            (status["components"] as? [[String: Any]] ?? []).allSatisfy { component in
                let id = component["id"] as? String ?? ""
                return component["state"] as? String == "READY" && component["restarts"] as? Int == kills[id, default: 0]
            }
        }
        let components = try fixture.components(instance)
        #expect(settled, "not every component READY with one restart per kill (kills \(kills)): \(components)")

        // No orphan: the killed processes are gone, and what runs for the instance is exactly
        // the components the launcher knows.
        #expect(killed.filter(LauncherFixture.isAlive).isEmpty, "killed but alive: \(killed.filter(LauncherFixture.isAlive))")
        let known = Set(components.compactMap { ($0["pid"] as? Int).map { pid_t($0) } })
        #expect(Set(LauncherFixture.processes(of: instance)) == known, "processes \(LauncherFixture.processes(of: instance)) vs components \(known)")

        // No lost line: every run of a test component logged line 1 to N, in order.
        for id in ["chaos-a", "chaos-b"] {
            let runs = numberedRuns(component: id, instance: instance)
            #expect(runs.count == kills[id, default: 0] + 1, "\(id): \(runs.count) runs for \(kills[id, default: 0]) kills")
            #expect(runs.allSatisfy { $0 == Array(1...Self.floodLines) }, "\(id): a run lost or reordered lines: \(runs.map(\.count))")
        }

        let stopped = try fixture.zwe(["stop", "-c", instance])
        #expect(stopped.status == 0, "\(stopped)")
        #expect(LauncherFixture.processes(of: instance).isEmpty)
    }

    @Test("R6: the gateway under load while components restart: no descriptor leak, memory growth under 10%")
    func gatewayUnderLoad() throws {
        let chaos = try Self.makeInstance()
        let fixture = chaos.fixture, instance = chaos.instance
        guard let gatewayPid = try fixture.component("gateway", of: instance)?["pid"] as? Int, gatewayPid > 1 else {
            throw TestFailure("no gateway pid in \(try fixture.status(instance))")
        }
        func sample() -> (descriptors: Int, residentKilobytes: Int) {
            usleep(1_000_000)  // the client's connections are closed by now
            return LauncherFixture.resources(of: pid_t(gatewayPid))
        }
        // Warm-up: pools, caches and allocator arenas reach their working size.
        let warmUp = try GatewayLoad(url: chaos.serviceURL, ca: chaos.ca, seconds: Reliability.seconds(full: 15, quick: 4),
                                     connections: 4, pauseMilliseconds: 0, scratch: fixture.scratch.path)
        let warm = try warmUp.result()
        let before = sample()

        let duration = Reliability.seconds(full: 60, quick: 10)
        let load = try GatewayLoad(url: chaos.serviceURL, ca: chaos.ca, seconds: duration, connections: 4,
                                   pauseMilliseconds: 0, scratch: fixture.scratch.path)
        let rotation = ["chaos-a", "discovery", "chaos-b", "jobs-api"]
        var restarts = 0
        let end = Date().addingTimeInterval(duration - 1)
        while Date() < end {
            let id = rotation[restarts % rotation.count]
            let restarted = try fixture.zwe(["restart", "-c", instance, "--component", id])
            #expect(restarted.status == 0, "\(restarted)")
            restarts += 1
            usleep(500_000)
        }
        let served = try load.result()
        let after = sample()
        let growth = Double(after.residentKilobytes - before.residentKilobytes) / Double(max(before.residentKilobytes, 1)) * 100
        Reliability.report("R6", String(format: "%d s, %d restarts, %d requests (%.2f%% answered 200; warm-up %d); gateway descriptors %d -> %d, RSS %.1f -> %.1f MB (%+.1f%%)",
                                        Int(duration), restarts, served.total, served.availability, warm.total, before.descriptors, after.descriptors,
                                        Double(before.residentKilobytes) / 1024, Double(after.residentKilobytes) / 1024, growth))
        #expect(restarts >= 3)
        #expect(served.ok > 0, "\(served)")
        // Pooled connections to the two instances may differ by a few; a leak grows with the
        // thousands of requests and the restarts.
        #expect(after.descriptors <= before.descriptors + 4, "descriptors \(before.descriptors) -> \(after.descriptors)")
        #expect(growth < 10, "RSS \(before.residentKilobytes) kB -> \(after.residentKilobytes) kB")

        #expect(try fixture.zwe(["stop", "-c", instance]).status == 0)
        #expect(LauncherFixture.processes(of: instance).isEmpty)
    }
}
