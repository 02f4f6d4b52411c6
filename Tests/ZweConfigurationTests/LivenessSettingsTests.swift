import Foundation
import Testing
import ZweConfiguration
import ZweTestSupport

@Suite("ZWE_LIVENESS_* settings: defaults, values, and bad values refused with ZWEL1418E")
struct LivenessSettingsTests {
    /// An instance directory on the runtime stub; `extra` lines are appended to instance.env.
    static func instance(_ scratch: ZweTestSupport.TemporaryDirectory, _ extra: [String]) throws -> String {
        let directory = scratch.path + "/instance"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let env = """
            ROOT_DIR=\(Harness.runtime)
            KEYSTORE_DIRECTORY=\(scratch.path)/keystore
            ZWE_LAUNCH_COMPONENTS=discovery,gateway
            DISCOVERY_PORT=7553
            GATEWAY_PORT=7554

            """ + extra.map { $0 + "\n" }.joined()
        try env.write(toFile: directory + "/instance.env", atomically: true, encoding: .utf8)
        return directory
    }

    @Test("Unset: every component gets 10 s period, 5 s timeout, 3 failures")
    func defaults() throws {
        let scratch = ZweTestSupport.TemporaryDirectory()
        let result = LaunchPlanner.plan(instanceDirectory: try Self.instance(scratch, []), environment: [:], programRuntime: nil)
        let plan = try #require(result.plan, "\(result.findings)")
        #expect(!plan.components.isEmpty)
        for component in plan.components {
            #expect(component.liveness == LaunchPlan.Liveness(period: 10, timeout: 5, failureThreshold: 3), "\(component.id)")
        }
        #expect(!result.findings.contains { $0.id == "ZWEL1418E" }, "\(result.findings)")
    }

    @Test("Set in instance.env: every component takes them")
    func values() throws {
        let scratch = ZweTestSupport.TemporaryDirectory()
        let directory = try Self.instance(scratch, ["ZWE_LIVENESS_PERIOD=2", "ZWE_LIVENESS_TIMEOUT=1", "ZWE_LIVENESS_FAILURE_THRESHOLD=4"])
        let plan = try #require(LaunchPlanner.plan(instanceDirectory: directory, environment: [:], programRuntime: nil).plan)
        for component in plan.components {
            #expect(component.liveness == LaunchPlan.Liveness(period: 2, timeout: 1, failureThreshold: 4), "\(component.id)")
        }
    }

    @Test("A bad value is ZWEL1418E naming the key, the value and its line", arguments: [
        ("ZWE_LIVENESS_PERIOD", "0"), ("ZWE_LIVENESS_PERIOD", "ten"), ("ZWE_LIVENESS_TIMEOUT", "-1"),
        ("ZWE_LIVENESS_TIMEOUT", "1.5"), ("ZWE_LIVENESS_FAILURE_THRESHOLD", "0"),
    ])
    func badValue(_ key: String, _ value: String) throws {
        let scratch = ZweTestSupport.TemporaryDirectory()
        let directory = try Self.instance(scratch, ["\(key)=\(value)"])
        let result = LaunchPlanner.plan(instanceDirectory: directory, environment: [:], programRuntime: nil)
        let refused = result.findings.filter { $0.id == "ZWEL1418E" }
        #expect(refused.count == 1, "\(result.findings)")
        let finding = try #require(refused.first)
        #expect(finding.severity == .error)
        #expect(finding.message.contains("\(key)='\(value)'") && finding.message.contains("at least 1"), "\(finding.message)")
        let lines = try String(contentsOfFile: directory + "/instance.env", encoding: .utf8).components(separatedBy: "\n")
        let line = try #require(lines.firstIndex { $0.hasPrefix(key + "=") }) + 1
        #expect(finding.location == directory + "/instance.env:\(line)", "\(finding.location ?? "no location")")
    }
}
