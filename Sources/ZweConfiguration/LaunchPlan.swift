import Foundation
import ZweKeyMaterial

/// The validated description of one start of an instance: everything the launcher needs,
/// resolved from files once, so that the launcher never reads configuration itself.
public struct LaunchPlan: Sendable {
    /// One started task.
    public struct Component: Sendable {
        public var id: String
        public var directory: String
        public var manifest: ComponentManifest
        /// `${ZOWE_PREFIX}${ZOWE_INSTANCE}` + the manifest's two-letter job code.
        public var jobName: String
        public var portVariable: String?
        public var port: Int?
        public var healthPath: String?
        /// The component's start script, absolute.
        public var startScript: String?
        public var validateScript: String?
        public var configureScript: String?
        public var dependsOn: [String]
        public var restartIntervals: [Int]
        public var minUptime: Int
        public var shutdownTimeout: Int
        public var readyTimeout: Int
        /// How a READY component is watched (ZWE_LIVENESS_* of instance.env).
        public var liveness: Liveness
        /// Exactly the environment the component process gets.
        public var environment: [String: String]

        /// The environment as `KEY='value'` lines with secrets masked, for `.env/<id>/.<ha>.env`.
        public var snapshot: String {
            let pairs = environment.keys.sorted().map { key in
                (key, LaunchPlan.isSecret(key) ? "********" : environment[key]!)
            }
            return ShellQuoting.render(pairs, header: ["Environment of \(id) (\(jobName)); secrets masked."])
        }
    }

    /// The liveness probe of a READY component, as Kubernetes' livenessProbe has it: the health
    /// check again every `period` seconds, each given `timeout` seconds; `failureThreshold`
    /// failures in a row make the component UNHEALTHY, and it is restarted.
    public struct Liveness: Sendable, Equatable {
        public var period: Int
        public var timeout: Int
        public var failureThreshold: Int

        public static let defaults = Liveness(period: 10, timeout: 5, failureThreshold: 3)

        public init(period: Int, timeout: Int, failureThreshold: Int) {
            self.period = period
            self.timeout = timeout
            self.failureThreshold = failureThreshold
        }
    }

    public var instanceDirectory: String
    public var instanceEnvironmentFile: String
    public var rootDirectory: String
    public var keystoreDirectory: String
    public var workspaceDirectory: String
    public var logDirectory: String
    public var haInstanceID: String
    /// `${ZOWE_PREFIX}${ZOWE_INSTANCE}`.
    public var prefix: String
    public var launcherJobName: String { prefix + "SV" }
    public var bindAddress: String
    /// The address health checks and the launcher's own calls use: loopback of the bind's family.
    public var loopbackAddress: String
    /// Where the launcher serves its Prometheus metrics (ZWE_METRICS_PORT, ZWE_METRICS_ADDRESS);
    /// no port, no endpoint.
    public var metricsPort: Int?
    public var metricsAddress: String
    public var logLevel: String
    public var logMaxBytes: Int
    public var logKeep: Int
    /// Components in start order (every dependency before its dependents).
    public var components: [Component]
    /// instance.env values after expansion.
    public var instanceValues: [String: String]
    /// zowe-certificates.env; nil when the keystore directory or its file is not usable.
    public var certificates: CertificateEnvironment?
    /// The password that opens the stores, as `KeystorePassword` decides it for this start
    /// (ZWE_KEYSTORE_PASSWORD over the file's KEYSTORE_PASSWORD); every component gets it.
    public var keystorePassword: String
    /// `instance.env:LINE` of each instance.env key, for messages.
    public var instanceLocations: [String: String]
    /// The instance's ha-instances.yaml when it has one; then `haInstanceID` is one of its
    /// entries and the runtime folders are that HA instance's own.
    public var haInstancesFile: String? = nil
    /// The zowe.yaml files of a v2 start (highest priority first); nil for instance.env.
    public var configurationFiles: [String]? = nil
    /// A v2 start's zowe.certificate.* in zowe-certificates.env's names, each at its YAML line,
    /// for the certificate rules.
    public var certificateSource: EnvFile? = nil
    /// The zowe.yaml's HA instance, when it defines haInstances.
    public var yamlHAInstance: String? = nil

    /// Hosts the Zowe certificate must cover: the explorer host, the IP address, and every host
    /// of the instance's URLs, each with the line it came from.
    public var certificateHosts: [(host: String, source: String)] {
        var hosts: [(host: String, source: String)] = []
        func add(_ host: String, _ key: String) {
            let clean = host.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
            guard !clean.isEmpty, !hosts.contains(where: { $0.host == clean.lowercased() }) else { return }
            hosts.append((clean.lowercased(), instanceLocations[key] ?? key))
        }
        if let host = instanceValues["ZOWE_EXPLORER_HOST"] { add(host, "ZOWE_EXPLORER_HOST") }
        if let address = instanceValues["ZOWE_IP_ADDRESS"] { add(address, "ZOWE_IP_ADDRESS") }
        for url in (instanceValues["ZWE_DISCOVERY_SERVICES_LIST"] ?? "").split(separator: ",") {
            if let host = URLComponents(string: url.trimmingCharacters(in: .whitespaces))?.host { add(host, "ZWE_DISCOVERY_SERVICES_LIST") }
        }
        return hosts
    }

    /// Keys whose values never reach a snapshot, a log or a status line.
    public static func isSecret(_ key: String) -> Bool {
        let upper = key.uppercased()
        return upper.contains("PASSWORD") || upper.contains("SECRET") || upper.contains("TOKEN") || upper.hasSuffix("_PASS")
    }
}
