import Foundation
import Testing
import ZweTestSupport

/// `zwe certificate renew` and SIGHUP: a new Zowe certificate from the same CA, taken by
/// running components without a failed request.
@Suite("Certificate renewal without downtime")
struct RenewalTests {
    func serial(_ pemFile: String) throws -> String {
        let result = try Harness.run("openssl", ["x509", "-in", pemFile, "-noout", "-serial"])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("Under wrk load through the gateway: renew, SIGHUP, no failed request, new connections get the new serial (northbound and southbound), a restarted component too; expiry warned 30 days ahead with the renew command")
    func renewUnderLoad() async throws {
        let fixture = try LauncherFixture(setup: [("CERTIFICATE_VALIDITY_DAYS", "20")])
        let setupFile = fixture.scratch.path + "/setup.env"
        let instance = try fixture.instance("instance")
        let certificate = fixture.keystore + "/localhost/localhost.keystore.cer"
        let ca = fixture.keystore + "/local_ca/localca.cer"

        // A service behind the gateway that says which client certificate the gateway
        // presented (its own certificate: a copy of the Zowe one, taken before the renewal).
        let serviceFiles = fixture.scratch.path + "/service"
        try FileManager.default.createDirectory(atPath: serviceFiles, withIntermediateDirectories: true)
        for name in ["localhost.keystore.cer", "localhost.keystore.key"] {
            try FileManager.default.copyItem(atPath: fixture.keystore + "/localhost/" + name, toPath: serviceFiles + "/" + name)
        }
        let servicePort = freePort()
        let service = try Harness.start("python3", [
            Programs.packageRoot + "/Tests/Fixtures/test-service.py", "--name", "echo", "--port", "\(servicePort)",
            "--cert", serviceFiles + "/localhost.keystore.cer", "--key", serviceFiles + "/localhost.keystore.key", "--ca", ca,
        ])
        defer { service.stop() }
        #expect(TopologyFixture.waitForPort(servicePort, seconds: 15))
        try writeStaticService("echo", ports: [servicePort], instance: instance)

        // Twenty days of validity: preflight and status both warn, naming the renew command.
        let validated = try fixture.zwe(["validate", "-c", instance, "--json"])
        let expiring = (jsonObject(validated.stdout) as? [String: Any] ?? [:]).finding("ZWEL1317W")
        #expect((expiring?["fix"] as? String ?? "").contains("zwe certificate renew -p"), "\(validated)")
        #expect(try fixture.zwe(["start", "-c", instance]).status == 0)
        defer { _ = try? fixture.zwe(["stop", "-c", instance]) }
        let status = try fixture.zwe(["status", "-c", instance])
        #expect(status.stdout.contains("ZWEL2032W") && status.stdout.contains("zwe certificate renew"), "\(status)")

        let gateway = try #require(try fixture.component("gateway", of: instance)?["port"] as? Int)
        let url = "https://localhost:\(gateway)/apicatalog/api/v1/containers"
        let lastAnswer = LastAnswer()
        // 60 s: the whole suite starts at once on two cores, and a debug build's components may
        // take that long to register and be learnt by the gateway; it returns as soon as it routes.
        let routed = await eventually(timeout: .seconds(60), every: .milliseconds(300)) { () async -> Bool? in
            let answer = try? await curl(url, ca: ca)
            lastAnswer.set(answer.map { "HTTP \($0.status): \($0.body.prefix(400))" } ?? "no answer")
            return answer?.status == 200 ? true : nil
        }
        let logs = ["gateway", "api-catalog", "discovery"].map { id in
            "--- \(id)\n" + ((try? String(contentsOfFile: instance + "/logs/\(id).log", encoding: .utf8)) ?? "").split(separator: "\n").suffix(15).joined(separator: "\n")
        }.joined(separator: "\n")
        #expect(routed == true, "the gateway does not route to the API catalog; last: \(lastAnswer.get())\n\(fixture.launcherLog(instance))\n\(logs)")
        let before = try serial(certificate)
        func southboundSerial() async throws -> String {
            // Connection: close, so that the gateway's next request opens a new connection.
            let answer = try await curl("https://localhost:\(gateway)/echo/api/v1/x?close=1", ca: ca)
            return (jsonObject(answer.body) as? [String: Any])?["clientSerial"] as? String ?? "none: \(answer.status) \(answer.body)"
        }
        let southBefore = await eventually(timeout: .seconds(30), every: .milliseconds(300)) { () async -> String? in
            let serial = try? await southboundSerial()
            return serial.map { "serial=" + $0 } == before ? serial : nil
        }
        #expect(southBefore != nil, "the gateway does not present its certificate southbound")

        let load = try Harness.start("wrk", ["-t2", "-c8", "-d8s", "--latency", url])
        usleep(2_000_000)
        let renewed = try fixture.zwe(["certificate", "renew", "-p", setupFile])
        #expect(renewed.status == 0 && renewed.stdout.contains("ZWEL2031I"), "\(renewed)")
        for id in ["gateway", "discovery", "api-catalog"] {
            try signalProcess(try fixture.component(id, of: instance)?["pid"], SIGHUP)
        }
        let after = try serial(certificate)
        #expect(after != before && after.hasPrefix("serial="), "\(before) -> \(after)")
        let verified = try Harness.run("openssl", ["verify", "-CAfile", ca, certificate])
        #expect(verified.status == 0, "the same CA signs the renewed certificate: \(verified)")

        let result = load.finish()
        let requests = result.stdout.split(separator: "\n").first { $0.contains("requests in") }.map(String.init) ?? ""
        #expect(result.status == 0 && !requests.isEmpty, "\(result)")
        #expect(!result.stdout.contains("Socket errors") && !result.stdout.contains("Non-2xx"), "failed requests while renewing:\n\(result.stdout)")
        print("renewal under load: \(requests.trimmingCharacters(in: .whitespaces)); serial \(before) -> \(after)")

        // New connections: the new serial, from the gateway and from discovery.
        usleep(500_000)
        for id in ["gateway", "discovery"] {
            let port = try #require(try fixture.component(id, of: instance)?["port"] as? Int)
            let shown = try await runTool("sh", ["-c", "openssl s_client -connect 127.0.0.1:\(port) -servername localhost -CAfile '\(ca)' </dev/null 2>/dev/null | openssl x509 -noout -serial"])
            #expect(shown.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == after, "\(id) serves \(shown.stdout)")
        }
        // A component not signalled serves the old certificate until `zwe restart` starts it again.
        func servedSerial(_ id: String) async throws -> String {
            let port = try #require(try fixture.component(id, of: instance)?["port"] as? Int)
            let shown = try await runTool("sh", ["-c", "openssl s_client -connect 127.0.0.1:\(port) -servername localhost -CAfile '\(ca)' </dev/null 2>/dev/null | openssl x509 -noout -serial"])
            return shown.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try await servedSerial("jobs-api") == before, "jobs-api was not signalled")
        let restarted = try fixture.zwe(["restart", "-c", instance, "--component", "jobs-api"])
        #expect(restarted.status == 0, "\(restarted)")
        let back = try fixture.wait(instance) { status in
            (status["components"] as? [[String: Any]])?.first { $0["id"] as? String == "jobs-api" }?["state"] as? String == "READY"
        }
        #expect(back)
        #expect(try await servedSerial("jobs-api") == after, "jobs-api after zwe restart")

        // Southbound: the gateway's new connections to services present the new certificate.
        let southAfter = try await southboundSerial()
        #expect("serial=" + southAfter == after, "the gateway presents \(southAfter) southbound after the reload, not \(after)")
        #expect(try fixture.component("gateway", of: instance)?["restarts"] as? Int == 0, "SIGHUP does not restart")
        #expect(try String(contentsOfFile: instance + "/logs/gateway.log", encoding: .utf8).contains("ZWEL1516I"))
    }

    @Test("renew refuses a keystore directory that has no local CA to sign with, and writes nothing")
    func renewRefused() throws {
        let scratch = TemporaryDirectory()
        let file = setupFile(in: scratch, [("KEYSTORE_DIRECTORY", scratch.path + "/none"), ("KEY_ALGORITHM", "EC-P256")])
        let refused = try Harness.zwe(["certificate", "renew", "-p", file])
        #expect(refused.status == 1 && refused.stderr.contains("ZWEL2030E"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/none/zowe-certificates.env"))
    }
}

/// The last answer of a polling loop, for the failure message.
final class LastAnswer: @unchecked Sendable {
    private let lock = NSLock()
    private var text = "none"
    func set(_ value: String) { lock.withLock { text = value } }
    func get() -> String { lock.withLock { text } }
}
