// ZwePreflight owns the check that runs before every start and as `zwe validate`: it takes
// the launch plan and everything the plan points at (instance directory, keystore directory
// and its certificates, ports, component validate scripts) and reports every problem in one
// pass, each with its id, cause, fix and location. It reads and probes; it never writes.

import Foundation
import ZweKeyMaterial
import ZweCertificates
import ZweConfiguration
import ZweMessages
import ZweProcess

public struct PreflightReport: Sendable {
    public var findings: [Diagnostic]
    public var plan: LaunchPlan?
    public var certificateExpiresInDays: Int?

    public init(findings: [Diagnostic], plan: LaunchPlan?, certificateExpiresInDays: Int? = nil) {
        self.findings = findings
        self.plan = plan
        self.certificateExpiresInDays = certificateExpiresInDays
    }

    public var errorCount: Int { findings.filter { $0.severity == .error }.count }
    public var warningCount: Int { findings.filter { $0.severity == .warning }.count }
    /// The exit status of `zwe validate`: the number of errors, at most 100.
    public var exitStatus: Int32 { Int32(min(errorCount, 100)) }

    /// `{"errors": N, "warnings": N, "findings": [{"id", "severity", "message", "cause", "fix", "location"}]}`
    public func json() -> String {
        struct Finding: Encodable {
            var id: String
            var severity: String
            var message: String
            var cause: String
            var fix: String
            var location: String?
        }
        struct Component: Encodable {
            var id: String
            var jobName: String
            var port: Int?
            var portVariable: String?
        }
        struct Document: Encodable {
            var errors: Int
            var warnings: Int
            var findings: [Finding]
            /// The planned components in start order, when there is a plan.
            var components: [Component]?
        }
        let document = Document(errors: errorCount, warnings: warningCount, findings: findings.map {
            Finding(id: $0.id, severity: $0.severity.rawValue, message: $0.message, cause: $0.cause, fix: $0.fix, location: $0.location)
        }, components: plan?.components.map { Component(id: $0.id, jobName: $0.jobName, port: $0.port, portVariable: $0.portVariable) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(document)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

public enum Preflight {
    public struct Options: Sendable {
        public var haInstance: String?
        public var environment: [String: String]
        public var programRuntime: String?
        /// Run each component's validate script (off only in tests of other checks).
        public var runValidateScripts: Bool = true

        public init(haInstance: String? = nil, environment: [String: String], programRuntime: String?) {
            self.haInstance = haInstance
            self.environment = environment
            self.programRuntime = programRuntime
        }
    }

    public static func run(instanceDirectory: String, options: Options) -> PreflightReport {
        let planned = LaunchPlanner.plan(
            instanceDirectory: instanceDirectory, haInstance: options.haInstance,
            environment: options.environment, programRuntime: options.programRuntime)
        var findings = planned.findings
        var expires: Int?
        guard let plan = planned.plan else {
            return PreflightReport(findings: sorted(findings), plan: nil)
        }

        // The instance directory must take workspace/, logs/ and .env/; a zowe.yaml's workspace,
        // made at start, must be there or possible to make.
        var writable = plan.instanceDirectory
        if plan.configurationFiles != nil {
            while !FileManager.default.fileExists(atPath: writable), writable != "/" { writable = (writable as NSString).deletingLastPathComponent }
        }
        if access(writable, W_OK | X_OK) != 0 {
            findings.append(Diagnostic(MessageCatalog.instanceNotWritable, ["dir": plan.instanceDirectory, "reason": String(cString: strerror(errno))], location: plan.instanceDirectory))
        }

        // Certificates: every rule, in one pass, when the keystore directory is there at all;
        // rule 9 shakes hands with z/OSMF and the static services as part of it.
        let southbound = SouthboundEndpoints.of(plan)
        findings += southbound.findings
        if planned.keystoreUsable {
            var check = CertificateCheck(keystoreDirectory: plan.keystoreDirectory, hosts: plan.certificateHosts)
            check.southbound = southbound.endpoints
            check.password = KeystorePassword.override(in: options.environment)
            check.certificateFile = plan.certificateSource
            let report = CertificateValidator.check(check)
            findings += report.findings
            expires = report.expiresInDays
        }

        // Ports: not promised to another running instance, and free on the bind address.
        let ownHA = plan.haInstancesFile == nil ? nil : plan.haInstanceID
        let others = InstanceRegistry.running(environment: options.environment).filter {
            !($0.instance == plan.instanceDirectory && $0.haInstance == ownHA) && $0.sharesAddress(with: plan.bindAddress)
        }
        for component in plan.components {
            guard let port = component.port else { continue }
            if let other = others.first(where: { $0.ports.values.contains(port) }) {
                let holder = other.ports.first { $0.value == port }?.key ?? "?"
                findings.append(Diagnostic(MessageCatalog.portOfOtherInstance, [
                    "port": "\(port)", "id": component.id, "variable": component.portVariable ?? "?",
                    "job": holder, "other": other.instance, "pid": "\(other.launcherPid)",
                ], location: "port \(port)"))
                continue
            }
            if let owner = PortProbe.owner(port: port, address: plan.bindAddress) {
                findings.append(Diagnostic(MessageCatalog.portInUse, [
                    "port": "\(port)", "id": component.id, "variable": component.portVariable ?? "?",
                    "address": plan.bindAddress, "owner": owner.description,
                ], location: "port \(port)"))
            }
        }

        // The launcher's metrics port, when there is one, the same way.
        if let port = plan.metricsPort {
            let what = "the launcher's metrics"
            if let other = others.first(where: { $0.ports.values.contains(port) }) {
                let holder = other.ports.first { $0.value == port }?.key ?? "?"
                findings.append(Diagnostic(MessageCatalog.portOfOtherInstance, [
                    "port": "\(port)", "id": what, "variable": "ZWE_METRICS_PORT",
                    "job": holder, "other": other.instance, "pid": "\(other.launcherPid)",
                ], location: "port \(port)"))
            } else if let owner = PortProbe.owner(port: port, address: plan.metricsAddress) {
                findings.append(Diagnostic(MessageCatalog.portInUse, [
                    "port": "\(port)", "id": what, "variable": "ZWE_METRICS_PORT",
                    "address": plan.metricsAddress, "owner": owner.description,
                ], location: "port \(port)"))
            }
        }

        // Each component's own check, as Zowe runs it: its environment, its folder.
        if options.runValidateScripts {
            for component in plan.components {
                guard let script = component.validateScript else { continue }
                guard FileManager.default.fileExists(atPath: script) else {
                    findings.append(Diagnostic(MessageCatalog.validateScriptFailed, ["id": component.id, "status": "missing", "output": script], location: component.manifest.path))
                    continue
                }
                do {
                    let outcome = try ScriptRunner.run(script: script, environment: component.environment, directory: component.directory, timeoutSeconds: 30)
                    if !outcome.succeeded {
                        let output = outcome.output.split(separator: "\n").suffix(5).joined(separator: " / ")
                        findings.append(Diagnostic(MessageCatalog.validateScriptFailed, [
                            "id": component.id, "status": outcome.timedOut ? "timed out after 30 s" : outcome.status,
                            "output": output.isEmpty ? "(no output)" : output,
                        ], location: script))
                    }
                } catch {
                    findings.append(Diagnostic(MessageCatalog.validateScriptFailed, ["id": component.id, "status": "not started", "output": "\(error)"], location: script))
                }
            }
        }
        return PreflightReport(findings: sorted(findings), plan: plan, certificateExpiresInDays: expires)
    }

    /// Errors first, then warnings, then information; otherwise in the order found.
    static func sorted(_ findings: [Diagnostic]) -> [Diagnostic] {
        findings.enumerated().sorted { lhs, rhs in
            lhs.element.severity != rhs.element.severity ? lhs.element.severity > rhs.element.severity : lhs.offset < rhs.offset
        }.map(\.element)
    }
}
