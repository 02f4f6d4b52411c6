import Foundation
import Testing

/// The whole topology of one instance: a z/OSMF (`zwe zosmf-stub`, its own self-signed
/// certificate, trusted by the keystore setup), and an instance of the real components
/// (runtime-stub) started by the launcher, with z/OSMF as its authentication provider.
public final class TopologyFixture: @unchecked Sendable {
    public let launcher: LauncherFixture
    public let instance: String
    /// Holds z/OSMF's data folder for as long as the fixture lives.
    public let zosmfScratch: TemporaryDirectory
    public let zosmfData: String
    public let zosmfPort: Int
    public let gatewayPort: Int
    public private(set) var zosmf: Harness.Running?
    public var caCertificate: String { launcher.keystore + "/local_ca/localca.cer" }
    public var gateway: String { "https://localhost:\(gatewayPort)" }

    /// - Parameters:
    ///   - zosmfArguments: more arguments for `zwe zosmf-stub` (e.g. `--hostname wrong.example`).
    ///   - trust: whether the keystore setup trusts z/OSMF (trust-zosmf).
    ///   - setup: more keystore setup values (verify flags).
    ///   - instanceSets: more instance.env values.
    ///   - trustFile: trust z/OSMF's certificate file (ZOSMF_CERTIFICATE) instead: no host name check at setup.
    public init(_ name: String = #function, zosmfArguments: [String] = [], trust: Bool = true, trustFile: Bool = false,
         setup: [(String, String)] = [], instanceSets: [String: String] = [:], start: Bool = true) throws {
        zosmfScratch = TemporaryDirectory(name + "-zosmf")
        zosmfData = zosmfScratch.path + "/zosmf"
        zosmfPort = freePort()
        var zosmfSetup: [(String, String)] = []
        if trust {
            // trust-zosmf: the setup fetches the chain from z/OSMF itself.
            zosmfSetup = [("ZOWE_ZOSMF_HOST", "localhost"), ("ZOWE_ZOSMF_PORT", "\(zosmfPort)")]
        }
        if trustFile {
            zosmfSetup = [("ZOSMF_CERTIFICATE", zosmfData + "/zosmf.cer")]
        }
        let stub = try Harness.start(Harness.binDirectory + "/zwe", [
            "zosmf-stub", "--port", "\(zosmfPort)", "--data", zosmfData,
            "--input-delay-ms", "50", "--active-delay-ms", "100",
        ] + zosmfArguments)
        zosmf = stub
        guard Self.waitForPort(zosmfPort, seconds: 15) else {
            stub.stop()
            throw TestFailure("zwe zosmf-stub did not listen on \(zosmfPort)\n\(stub.finish())")
        }
        do {
            launcher = try LauncherFixture(name, setup: zosmfSetup + setup)
        } catch {
            stub.stop()
            throw error
        }
        gatewayPort = freePort()
        var sets = instanceSets
        sets["ZOSMF_HOST"] = sets["ZOSMF_HOST"] ?? "localhost"
        sets["ZOSMF_PORT"] = "\(zosmfPort)"
        sets["APIML_SECURITY_AUTH_PROVIDER"] = sets["APIML_SECURITY_AUTH_PROVIDER"] ?? "zosmf"
        do {
            instance = try launcher.instance("instance", extra: sets, ports: ["GATEWAY_PORT": gatewayPort])
            if start {
                let started = try launcher.zwe(["start", "-c", instance])
                guard started.status == 0 else {
                    throw TestFailure("zwe start failed: \(started)\n\(launcher.launcherLog(instance))")
                }
                try waitForRoutes()
            }
        } catch {
            stub.stop()
            throw error
        }
    }

    /// Waits until the gateway routes to every service of the topology: READY means healthy,
    /// and a service registers with discovery, and the gateway learns of it, just after.
    public func waitForRoutes(_ services: Set<String> = ["ibmzosmf", "jobs", "explorer-jes", "apicatalog"], seconds: Double = 20) throws {
        let deadline = Date().addingTimeInterval(seconds)
        var known: Set<String> = []
        while Date() < deadline {
            let answer = try curl(gateway + "/gateway/api/v1/services")
            known = Set((answer.json as? [[String: Any]] ?? []).compactMap { $0["serviceId"] as? String })
            if services.isSubset(of: known) { return }
            usleep(100_000)
        }
        throw TestFailure("the gateway routes only \(known.sorted()) after \(seconds) s, not \(services.sorted())")
    }

    /// What z/OSMF has written so far.
    public var zosmfOutput: String {
        guard let zosmf else { return "" }
        return ((try? String(contentsOfFile: zosmf.outPath, encoding: .utf8)) ?? "") + ((try? String(contentsOfFile: zosmf.errPath, encoding: .utf8)) ?? "")
    }

    /// A component's log of the instance.
    public func log(_ component: String) -> String {
        (try? String(contentsOfFile: instance + "/logs/\(component).log", encoding: .utf8)) ?? "(no log)"
    }

    public func stop() {
        _ = try? launcher.zwe(["stop", "-c", instance])
        zosmf?.stop()
    }

    /// Kills z/OSMF with SIGKILL and starts it again on the same data and port.
    public func restartZOSMF(signal: Int32 = SIGKILL, arguments: [String] = []) throws {
        zosmf?.signal(signal)
        _ = zosmf?.finish()
        let stub = try Harness.start(Harness.binDirectory + "/zwe", [
            "zosmf-stub", "--port", "\(zosmfPort)", "--data", zosmfData,
            "--input-delay-ms", "50", "--active-delay-ms", "100",
        ] + arguments)
        zosmf = stub
        guard Self.waitForPort(zosmfPort, seconds: 15) else { throw TestFailure("z/OSMF did not come back\n\(stub.finish())") }
    }

    public static func waitForPort(_ port: Int, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if canConnect(port) { return true }
            usleep(50_000)
        }
        return false
    }

    public struct Answer: CustomStringConvertible {
        public let status: Int
        public let body: String
        public let headers: String
        public var description: String { "HTTP \(status)\n\(headers)\n\(body)" }
        public var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
        public var object: [String: Any] { json as? [String: Any] ?? [:] }
    }

    /// curl through the gateway (or any URL), trusting only the instance CA.
    public func curl(_ url: String, method: String = "GET", _ extra: [String] = []) throws -> Answer {
        let headersFile = launcher.scratch.path + "/headers-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: headersFile) }
        let result = try Harness.run("/usr/bin/env", [
            "curl", "--silent", "--show-error", "--max-time", "30", "--cacert", caCertificate, "--request", method,
            "--dump-header", headersFile, "--write-out", "\n%{http_code}",
        ] + extra + [url])
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        let headers = (try? String(contentsOfFile: headersFile, encoding: .utf8)) ?? ""
        return Answer(status: status, body: lines.joined(separator: "\n"), headers: headers + result.stderr)
    }
}
