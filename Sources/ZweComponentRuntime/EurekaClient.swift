import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import ZweMessages

/// What a component tells discovery about itself: its service id, title and the routes the
/// gateway builds from its metadata.
public struct EurekaRegistration: Sendable, Equatable {
    /// A gateway route: `/{serviceId}/{gatewayURL}/rest` goes to `{instance}{serviceURL}/rest`.
    public struct Route: Sendable, Equatable {
        public var gatewayURL: String
        public var serviceURL: String

        public init(gatewayURL: String, serviceURL: String) {
            self.gatewayURL = gatewayURL
            self.serviceURL = serviceURL
        }

        /// The `<k>` of `apiml.routes.<k>.gatewayUrl`: the gateway URL with `/` as `_`, as
        /// Zowe's onboarding enabler writes it (`api/v1` -> `api_v1`).
        public var key: String {
            let trimmed = gatewayURL.split(separator: "/").joined(separator: "_")
            return trimmed.isEmpty ? "root" : trimmed
        }
    }

    /// Lower case, as Zowe writes service ids; the Eureka app name is its upper-case form.
    public var serviceID: String
    public var title: String
    public var description: String
    public var routes: [Route]
    /// Paths on this instance for `homePageUrl`, `statusPageUrl` and `healthCheckUrl`.
    public var homePagePath: String
    public var statusPagePath: String
    public var healthCheckPath: String
    /// More `apiml.*` (or other) metadata; wins over the keys built from the fields above.
    public var extraMetadata: [String: String]

    public init(
        serviceID: String, title: String, description: String = "", routes: [Route],
        homePagePath: String = "/", statusPagePath: String = "/application/health",
        healthCheckPath: String = "/application/health", extraMetadata: [String: String] = [:]
    ) {
        self.serviceID = serviceID.lowercased()
        self.title = title
        self.description = description
        self.routes = routes
        self.homePagePath = homePagePath
        self.statusPagePath = statusPagePath
        self.healthCheckPath = healthCheckPath
        self.extraMetadata = extraMetadata
    }

    /// The metadata map as discovery stores it: flat, dotted keys.
    public var metadata: [String: String] {
        var metadata: [String: String] = [
            "apiml.service.title": title,
            "apiml.service.description": description,
            "apiml.enableUrlEncodedCharacters": "false",
        ]
        for route in routes {
            metadata["apiml.routes.\(route.key).gatewayUrl"] = route.gatewayURL
            metadata["apiml.routes.\(route.key).serviceUrl"] = route.serviceURL
        }
        metadata.merge(extraMetadata) { _, extra in extra }
        return metadata
    }
}

/// Where and how often a component registers: from ZWE_DISCOVERY_SERVICES_LIST,
/// ZWE_EUREKA_RENEW_SECONDS, ZOWE_EXPLORER_HOST and ZOWE_IP_ADDRESS.
public struct EurekaClientConfiguration: Sendable, Equatable {
    /// Base URLs ending in `/`, e.g. `https://localhost:7553/eureka/`.
    public var discoveryServices: [String]
    /// The host name in the instance's URLs and its instance id.
    public var host: String
    public var ipAddress: String
    public var renewInterval: Duration
    /// How long discovery keeps the instance without a renewal (ZWE_EUREKA_LEASE_SECONDS);
    /// nil: three renewal intervals, at least 90 s, as Eureka's clients default.
    public var leaseDuration: Int?
    /// The first wait after a failed registration; it doubles up to `retryMaximum`.
    public var retryInitial: Duration = .milliseconds(250)
    public var retryMaximum: Duration
    /// One registration, renewal or cancellation.
    public var requestTimeout: Duration = .seconds(5)
    /// The cancellations on stop, all discovery services at once.
    public var cancelTimeout: Duration = .seconds(3)
    /// How long a failure may last before it is logged as a warning: discovery starting at
    /// the same time as the component is no news.
    public var quietFailures: Duration = .seconds(3)

    public init(discoveryServices: [String], host: String, ipAddress: String, renewInterval: Duration = .seconds(30)) {
        self.discoveryServices = discoveryServices
        self.host = host
        self.ipAddress = ipAddress
        self.renewInterval = renewInterval
        self.retryMaximum = min(renewInterval, .seconds(5))
    }

    /// Reads the component's environment.
    public static func read(
        component: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Diagnostic) -> EurekaClientConfiguration {
        func optional(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        var services: [String] = []
        for entry in (optional("ZWE_DISCOVERY_SERVICES_LIST") ?? "").split(separator: ",") {
            let text = entry.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let url = URLComponents(string: text), url.scheme?.lowercased() == "https",
                  let host = url.host, !host.isEmpty, url.query == nil else {
                throw Diagnostic(MessageCatalog.eurekaBadDiscoveryURL, ["component": component, "value": text])
            }
            let base = text.hasSuffix("/") ? text : text + "/"
            if !services.contains(base) { services.append(base) }
        }
        var renew = Duration.seconds(30)
        if let text = optional("ZWE_EUREKA_RENEW_SECONDS") {
            guard let seconds = Double(text), seconds >= 0.1, seconds <= 3600 else {
                throw Diagnostic(MessageCatalog.runtimeVariableInvalid, [
                    "component": component, "name": "ZWE_EUREKA_RENEW_SECONDS", "value": text,
                    "expected": "a number of seconds from 0.1 to 3600",
                ])
            }
            renew = .milliseconds(Int64((seconds * 1000).rounded()))
        }
        var lease: Int?
        if let text = optional("ZWE_EUREKA_LEASE_SECONDS") {
            guard let seconds = Int(text), seconds >= 1, seconds <= 86_400 else {
                throw Diagnostic(MessageCatalog.runtimeVariableInvalid, [
                    "component": component, "name": "ZWE_EUREKA_LEASE_SECONDS", "value": text,
                    "expected": "a whole number of seconds from 1 to 86400",
                ])
            }
            lease = seconds
        }
        let host = optional("ZOWE_EXPLORER_HOST") ?? "localhost"
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        let address = optional("ZOWE_IP_ADDRESS") ?? (isAddress ? host : "127.0.0.1")
        var configuration = EurekaClientConfiguration(discoveryServices: services, host: host, ipAddress: address, renewInterval: renew)
        configuration.leaseDuration = lease
        return configuration
    }
}

/// One registered instance: its ids and the body of its registration.
public struct EurekaInstance: Sendable, Equatable {
    public let app: String
    public let serviceID: String
    /// `<host>:<serviceId>:<port>`, as Zowe's services name their instances.
    public let instanceID: String
    public let host: String
    public let ipAddress: String
    public let port: Int
    public let homePageURL: String
    public let statusPageURL: String
    public let healthCheckURL: String
    public let metadata: [String: String]
    public let renewInterval: Duration
    public let leaseDuration: Int?
    /// Milliseconds since 1970 when this instance was described; sent with every renewal.
    public let lastDirtyTimestamp: Int64

    public init(registration: EurekaRegistration, port: Int, configuration: EurekaClientConfiguration) {
        serviceID = registration.serviceID
        app = registration.serviceID.uppercased()
        host = configuration.host
        ipAddress = configuration.ipAddress
        self.port = port
        instanceID = "\(configuration.host):\(registration.serviceID):\(port)"
        let urlHost = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let base = "https://\(urlHost):\(port)"
        homePageURL = base + registration.homePagePath
        statusPageURL = base + registration.statusPagePath
        healthCheckURL = base + registration.healthCheckPath
        metadata = registration.metadata
        renewInterval = configuration.renewInterval
        leaseDuration = configuration.leaseDuration
        lastDirtyTimestamp = Int64(Date().timeIntervalSince1970 * 1000)
    }

    /// `POST /eureka/apps/{APP}`'s JSON body: `{"instance":{...}}`.
    public func registrationBody() -> [UInt8] {
        let renewSeconds = max(1, Int((Double(renewInterval.components.seconds)
            + Double(renewInterval.components.attoseconds) / 1e18).rounded(.up)))
        let timestamp = "\(lastDirtyTimestamp)"
        let document = Document(instance: .init(
            instanceId: instanceID, app: app, hostName: host, ipAddr: ipAddress,
            status: "UP", overriddenStatus: "UNKNOWN",
            port: .init(value: port, enabled: "false"), securePort: .init(value: port, enabled: "true"),
            countryId: 1,
            dataCenterInfo: .init(className: "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", name: "MyOwn"),
            leaseInfo: .init(renewalIntervalInSecs: renewSeconds, durationInSecs: leaseDuration ?? max(90, 3 * renewSeconds)),
            metadata: metadata,
            homePageUrl: homePageURL, statusPageUrl: statusPageURL, healthCheckUrl: healthCheckURL,
            secureHealthCheckUrl: healthCheckURL, vipAddress: serviceID, secureVipAddress: serviceID,
            isCoordinatingDiscoveryServer: "false", lastUpdatedTimestamp: timestamp, lastDirtyTimestamp: timestamp))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, numbers and string maps only: encoding cannot fail.
        return Array((try? encoder.encode(document)) ?? Data())
    }

    private struct Document: Encodable {
        let instance: Instance
    }

    private struct Instance: Encodable {
        let instanceId: String
        let app: String
        let hostName: String
        let ipAddr: String
        let status: String
        let overriddenStatus: String
        let port: Port
        let securePort: Port
        let countryId: Int
        let dataCenterInfo: DataCenter
        let leaseInfo: Lease
        let metadata: [String: String]
        let homePageUrl: String
        let statusPageUrl: String
        let healthCheckUrl: String
        let secureHealthCheckUrl: String
        let vipAddress: String
        let secureVipAddress: String
        let isCoordinatingDiscoveryServer: String
        let lastUpdatedTimestamp: String
        let lastDirtyTimestamp: String
    }

    private struct Port: Encodable {
        let value: Int
        let enabled: String
        enum CodingKeys: String, CodingKey {
            case value = "$"
            case enabled = "@enabled"
        }
    }

    private struct DataCenter: Encodable {
        let className: String
        let name: String
        enum CodingKeys: String, CodingKey {
            case className = "@class"
            case name
        }
    }

    private struct Lease: Encodable {
        let renewalIntervalInSecs: Int
        let durationInSecs: Int
    }
}

/// Keeps a component registered with every discovery service of ZWE_DISCOVERY_SERVICES_LIST:
/// registers (`POST /eureka/apps/{APP}`), renews (`PUT /eureka/apps/{APP}/{id}`) every renew
/// interval, registers again when a renewal is answered 404, retries with backoff while a
/// discovery service is down, and cancels (`DELETE`) when the service group shuts down
/// gracefully. Each discovery service is kept separately: one being down does not delay another.
///
/// List it after the `SouthboundClient`'s service in the group, so that the client is still
/// open while the cancellations go out.
public final class EurekaClient: Service, Sendable {
    public let instance: EurekaInstance
    public let configuration: EurekaClientConfiguration
    let client: SouthboundClient
    let component: String
    let logger: Logger

    public init(
        registration: EurekaRegistration, port: Int, configuration: EurekaClientConfiguration,
        client: SouthboundClient, component: String, logger: Logger
    ) {
        self.instance = EurekaInstance(registration: registration, port: port, configuration: configuration)
        self.configuration = configuration
        self.client = client
        self.component = component
        self.logger = logger
    }

    public func run() async throws {
        guard !configuration.discoveryServices.isEmpty else {
            logger.warning("\(Diagnostic(MessageCatalog.eurekaNoDiscovery, ["component": component, "serviceId": instance.serviceID]))")
            // A service that returns early ends the whole group: wait for the stop like the others.
            try? await gracefulShutdown()
            return
        }
        await withTaskGroup(of: Void.self) { group in
            for base in configuration.discoveryServices {
                group.addTask { await self.keep(base) }
            }
        }
    }

    // MARK: - One discovery service

    /// Whether discovery may know the instance: only then is there something to cancel.
    private final class Attempted: Sendable {
        let value = Atomic<Bool>(false)
    }

    private func keep(_ base: String) async {
        let attempted = Attempted()
        do {
            try await cancelWhenGracefulShutdown {
                try await self.registerAndRenew(base, attempted: attempted)
            }
        } catch {
            // Cancelled or shut down: the cancellation below is all that is left to do.
        }
        if attempted.value.load(ordering: .sequentiallyConsistent) {
            await cancelRegistration(base)
        }
    }

    private enum Outcome {
        case done
        case notFound
        /// `mayBeRegistered`: the request may have reached discovery (a timeout, a lost connection).
        case failed(String, mayBeRegistered: Bool)
    }

    private func registerAndRenew(_ base: String, attempted: Attempted) async throws {
        var registered = false
        var delay = configuration.retryInitial
        var failingSince: ContinuousClock.Instant?
        var warnedReason: String?

        while true {
            try Task.checkCancellation()
            let outcome: Outcome
            if registered {
                outcome = try await renew(base)
            } else {
                attempted.value.store(true, ordering: .sequentiallyConsistent)
                outcome = try await register(base)
            }
            // A registration discovery refused, or never received, leaves nothing to cancel.
            if case .failed(_, mayBeRegistered: false) = outcome, !registered {
                attempted.value.store(false, ordering: .sequentiallyConsistent)
            }
            switch outcome {
            case .done:
                if !registered {
                    logger.info("\(Diagnostic(MessageCatalog.eurekaRegistered, values(base)))")
                } else {
                    logger.debug("renewed instance \(instance.instanceID) with discovery \(base)")
                }
                registered = true
                delay = configuration.retryInitial
                failingSince = nil
                warnedReason = nil
                try await Task.sleep(for: configuration.renewInterval)
            case .notFound:
                logger.warning("\(Diagnostic(MessageCatalog.eurekaInstanceForgotten, values(base)))")
                registered = false
                attempted.value.store(false, ordering: .sequentiallyConsistent)
            case .failed(let reason, _):
                let now = ContinuousClock.now
                let since = failingSince ?? now
                failingSince = since
                if now - since >= configuration.quietFailures, warnedReason != reason {
                    warnedReason = reason
                    if registered {
                        logger.warning("\(Diagnostic(MessageCatalog.eurekaRenewFailed, values(base, reason: reason)))")
                    } else {
                        var all = values(base, reason: reason)
                        all["seconds"] = Self.seconds(configuration.retryMaximum)
                        logger.warning("\(Diagnostic(MessageCatalog.eurekaRegisterFailed, all))")
                    }
                } else {
                    logger.debug("\(registered ? "renewal" : "registration") with discovery \(base) failed: \(reason)")
                }
                try await Task.sleep(for: delay)
                delay = min(delay * 2, configuration.retryMaximum)
            }
        }
    }

    private func register(_ base: String) async throws -> Outcome {
        do {
            let response = try await client.request(
                "POST", base + "apps/" + instance.app,
                headers: [("Content-Type", "application/json"), ("Accept", "application/json")],
                body: instance.registrationBody(), timeout: configuration.requestTimeout, maxBodyBytes: 64 * 1024)
            if (200..<300).contains(response.status) { return .done }
            return .failed(Self.statusReason(response), mayBeRegistered: false)
        } catch {
            if error.kind == .cancelled { throw CancellationError() }
            return .failed(error.reason, mayBeRegistered: Self.mayHaveArrived(error))
        }
    }

    /// Whether a request that failed this way may still have been carried out by the server.
    static func mayHaveArrived(_ error: SouthboundError) -> Bool {
        switch error.kind {
        case .timeout, .connectionClosed, .other, .cancelled, .responseTooLarge: true
        default: false
        }
    }

    private func renew(_ base: String) async throws -> Outcome {
        do {
            let response = try await client.request(
                "PUT", instanceURL(base) + "?status=UP&lastDirtyTimestamp=\(instance.lastDirtyTimestamp)",
                headers: [("Accept", "application/json")], timeout: configuration.requestTimeout, maxBodyBytes: 64 * 1024)
            if response.status == 404 { return .notFound }
            if (200..<300).contains(response.status) { return .done }
            return .failed(Self.statusReason(response), mayBeRegistered: true)
        } catch {
            if error.kind == .cancelled { throw CancellationError() }
            return .failed(error.reason, mayBeRegistered: true)
        }
    }

    private func cancelRegistration(_ base: String) async {
        do {
            let response = try await client.request(
                "DELETE", instanceURL(base), headers: [("Accept", "application/json")],
                timeout: configuration.cancelTimeout, maxBodyBytes: 64 * 1024)
            switch response.status {
            case 200..<300:
                logger.info("\(Diagnostic(MessageCatalog.eurekaCancelled, values(base)))")
            case 404:
                logger.debug("discovery \(base) did not know instance \(instance.instanceID) any more")
            default:
                logger.warning("\(Diagnostic(MessageCatalog.eurekaCancelFailed, values(base, reason: Self.statusReason(response))))")
            }
        } catch {
            logger.warning("\(Diagnostic(MessageCatalog.eurekaCancelFailed, values(base, reason: error.reason)))")
        }
    }

    /// `{base}apps/{APP}/{id}` with the id quoted as Eureka clients quote it (`:` as `%3A`).
    private func instanceURL(_ base: String) -> String {
        base + "apps/" + instance.app + "/" + Self.quote(instance.instanceID)
    }

    private func values(_ base: String, reason: String? = nil) -> [String: String] {
        var values = ["component": component, "serviceId": instance.serviceID, "instanceId": instance.instanceID, "url": base]
        if let reason { values["reason"] = reason }
        return values
    }

    /// A path segment quoted as Eureka clients quote it (`:` as `%3A`).
    public static func quote(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func statusReason(_ response: SouthboundResponse) -> String {
        let text = response.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let shown = text.count > 200 ? String(text.prefix(200)) + "..." : text
        return shown.isEmpty ? "HTTP status \(response.status)" : "HTTP status \(response.status): \(shown)"
    }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)" : "\(Double(milliseconds) / 1000)"
    }
}
