// ZweDiscovery owns the discovery service (job code AD): the Eureka-compatible registry
// every Zowe service registers with. It holds the registry in memory (instances, leases,
// status overrides, the recent changes behind /eureka/apps/delta, cached JSON and XML
// answers), serves Eureka's REST API under /eureka, evicts instances whose lease ran out,
// registers the static definitions of STATIC_DEF_CONFIG_DIR, replicates the changes clients
// make to the other discovery services of ZWE_DISCOVERY_SERVICES_LIST, and in verify modes
// STRICT and NONSTRICT requires a client certificate chaining to the truststore on /eureka/**. It runs on
// ZweComponentRuntime like every component; being the registry, it deregisters nothing when
// it stops.

import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import ZweComponentRuntime
import ZweConfiguration
import ZweMessages

public enum DiscoveryService {
    /// The environment variables of the lease settings; each a whole number of seconds.
    public static let leaseDurationVariable = "ZWE_DISCOVERY_LEASE_DURATION_SECONDS"
    public static let evictionIntervalVariable = "ZWE_DISCOVERY_EVICTION_INTERVAL_SECONDS"
    public static let renewalIntervalVariable = "ZWE_DISCOVERY_RENEWAL_INTERVAL_SECONDS"
    /// The folder of static definitions, written by the discovery configure step.
    public static let staticDefinitionsVariable = "STATIC_DEF_CONFIG_DIR"

    /// The lease settings from the environment; Eureka's defaults where a variable is unset.
    public static func leaseSettings(environment: [String: String], component: String = "discovery") throws(Diagnostic) -> LeaseSettings {
        func seconds(_ name: String, default value: Int) throws(Diagnostic) -> Int {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return value }
            guard let number = Int(text), (1...86_400).contains(number) else {
                throw Diagnostic(MessageCatalog.runtimeVariableInvalid, [
                    "component": component, "name": name, "value": text,
                    "expected": "a whole number of seconds from 1 to 86400",
                ])
            }
            return number
        }
        return LeaseSettings(
            renewalIntervalSeconds: try seconds(renewalIntervalVariable, default: 30),
            durationSeconds: try seconds(leaseDurationVariable, default: 90),
            evictionIntervalSeconds: try seconds(evictionIntervalVariable, default: 60))
    }

    /// Makes `server` the discovery service: the registry with its static instances, the
    /// /eureka routes behind the client-certificate check, and the eviction timer.
    public static func configure(
        _ server: inout ComponentServer, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Diagnostic) {
        let logger = server.logger
        let lease = try leaseSettings(environment: environment, component: server.environment.componentID)
        let registry = Registry(lease: lease)
        logger.info("\(Diagnostic(MessageCatalog.discoveryLeaseSettings, ["duration": "\(lease.durationSeconds)", "interval": "\(lease.evictionIntervalSeconds)"]).description)")

        if let directory = environment[staticDefinitionsVariable]?.trimmingCharacters(in: .whitespaces), !directory.isEmpty {
            let outcome = StaticDefinitions.load(directory: directory, lease: lease)
            for problem in outcome.problems { logger.error("\(problem.description)") }
            for instance in outcome.instances { registry.register(instance) }
            if outcome.files > 0 || outcome.problems.isEmpty {
                logger.info("\(Diagnostic(MessageCatalog.discoveryStaticLoaded, ["count": "\(outcome.instances.count)", "files": "\(outcome.files)", "dir": directory]).description)")
            }
        }

        // The TLS layer takes any client certificate (or none) and records whether it chains to
        // the truststore; the middleware of /eureka turns "no" into 403. In DISABLED mode the
        // verdict is not looked at, and a certificate from another CA must not break TLS either.
        let verifier = ClientCertificateVerifier(trustRoots: server.identity.clientCertificateAnchors)
        server.clientCertificateCheck = { verifier.check($0) }
        var api = EurekaAPI(registry: registry, logger: logger)
        // The other discovery services of ZWE_DISCOVERY_SERVICES_LIST get every change made here.
        let list = try EurekaClientConfiguration.read(component: server.environment.componentID, environment: environment).discoveryServices
        var ownHosts: Set<String> = [server.environment.bindAddress.lowercased()]
        for key in ["ZOWE_EXPLORER_HOST", "ZOWE_IP_ADDRESS"] {
            if let host = environment[key]?.trimmingCharacters(in: .whitespaces).lowercased(), !host.isEmpty { ownHosts.insert(host) }
        }
        if ["127.0.0.1", "::1", "0.0.0.0", "::"].contains(server.environment.bindAddress) {
            ownHosts.formUnion(["localhost", "127.0.0.1", "::1"])
        }
        let peers = PeerReplication.peers(of: list, ownPort: server.environment.port, ownHosts: ownHosts,
                                          hostName: systemHostName())
        if !peers.isEmpty {
            let client = try SouthboundClient(identity: server.identity, mode: server.environment.verifyMode,
                                              timeout: PeerReplication.requestTimeout, connectTimeout: PeerReplication.requestTimeout,
                                              logger: logger)
            let replication = PeerReplication(peers: peers, registry: registry, client: client,
                                              component: server.environment.componentID, logger: logger)
            api.replication = replication
            logger.info("\(Diagnostic(MessageCatalog.discoveryReplicating, ["component": server.environment.componentID, "peers": peers.joined(separator: ", ")]).description)")
            // Stopped last to first: replication ends before its client closes.
            server.services.append(client.service)
            server.services.append(replication)
        }
        let eurekaAPI = api
        let eureka = server.router.group("eureka")
            .add(middleware: ClientCertificateMiddleware(mode: server.environment.verifyMode, verifier: verifier, logger: logger))
        for method in [HTTPRequest.Method.get, .post, .put, .delete] {
            eureka.on("**", method: method) { request, context in
                try await eurekaAPI.respond(to: request, context: context)
            }
        }
        server.services.append(EvictionService(registry: registry, interval: .seconds(lease.evictionIntervalSeconds), logger: logger))
        addMetrics(registry, to: server.metrics)
    }

    /// The registry's size, counted at each scrape: instances by the status clients see, and
    /// applications.
    static func addMetrics(_ registry: Registry, to metrics: ComponentMetrics) {
        let instances = InstanceStatus.allCases.map { status in
            (status, metrics.registry.makeGauge(
                name: "zwe_discovery_registry_instances", labels: [("status", status.rawValue)],
                help: "Instances in the registry, by the status clients see."))
        }
        let applications = metrics.registry.makeGauge(
            name: "zwe_discovery_registry_applications", labels: [],
            help: "Applications (service ids) with at least one instance in the registry.")
        metrics.onScrape { _ in
            let census = registry.census()
            for (status, gauge) in instances { gauge.set(Double(census.instances[status] ?? 0)) }
            applications.set(Double(census.applications))
        }
    }
}

/// Evicts expired leases every interval: a sleeping task, not a poll. Stops at the graceful
/// shutdown; the registry keeps every registration until the process ends.
struct EvictionService: Service {
    let registry: Registry
    let interval: Duration
    let logger: Logger

    func run() async {
        let registry = self.registry
        let interval = self.interval
        let logger = self.logger
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { return }
                for info in registry.evictExpired() {
                    logger.warning("\(Diagnostic(MessageCatalog.discoveryEvicted, ["app": info.app, "id": info.instanceId, "seconds": "\(info.durationInSecs)"]).description)")
                }
            }
        }
    }
}
