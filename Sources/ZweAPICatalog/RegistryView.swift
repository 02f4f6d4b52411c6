import Foundation
import ZweComponentRuntime
import ZweMessages

/// One registered instance, as the catalog shows it.
struct CatalogInstance: Codable, Sendable, Equatable {
    var instanceId: String
    var status: String
    var homePageUrl: String
}

/// A gateway route of a service, from its `apiml.routes.<k>.*` metadata.
struct CatalogRoute: Codable, Sendable, Equatable {
    var gatewayUrl: String
    var serviceUrl: String
}

/// One service id with all its instances.
struct CatalogService: Codable, Sendable, Equatable {
    var serviceId: String
    var title: String
    var description: String
    /// UP when any instance is UP; else the instances' common status, or DOWN when they differ.
    var status: String
    var homePageUrl: String
    var routes: [CatalogRoute]
    var instances: [CatalogInstance]
}

/// Services grouped as API ML's catalog groups them: by `apiml.catalog.tile.id`; a service
/// without a tile is a container of its own.
struct CatalogContainer: Codable, Sendable, Equatable {
    var id: String
    var title: String
    var description: String
    /// UP when every service in it is UP, WARNING when some are, DOWN when none is.
    var status: String
    var totalServices: Int
    var activeServices: Int
    var services: [CatalogService]
}

/// The registry's content, grouped as the catalog shows it.
enum EurekaApps {
    typealias Instance = RegisteredInstance

    /// The containers of the catalog, sorted by id, their services by service id and the
    /// instances by instance id, so that the JSON is the same for the same registry.
    static func containers(_ instances: [Instance]) -> [CatalogContainer] {
        var byService: [String: [Instance]] = [:]
        for instance in instances { byService[instance.app.lowercased(), default: []].append(instance) }

        var services: [(tile: (id: String, title: String, description: String), service: CatalogService)] = []
        for (serviceID, group) in byService {
            let sorted = group.sorted { $0.instanceID < $1.instanceID }
            // Metadata from an UP instance when there is one: a stopping old instance may differ.
            let representative = sorted.first { $0.status == "UP" } ?? sorted[0]
            let metadata = representative.metadata
            let title = nonEmpty(metadata["apiml.service.title"]) ?? serviceID
            let statuses = Set(sorted.map(\.status))
            let status = statuses.contains("UP") ? "UP" : (statuses.count == 1 ? statuses.first! : "DOWN")
            let service = CatalogService(
                serviceId: serviceID, title: title,
                description: metadata["apiml.service.description"] ?? "",
                status: status, homePageUrl: representative.homePageURL,
                routes: representative.routes.map { CatalogRoute(gatewayUrl: $0.gatewayURL, serviceUrl: $0.serviceURL) },
                instances: sorted.map { CatalogInstance(instanceId: $0.instanceID, status: $0.status, homePageUrl: $0.homePageURL) })
            let tileID = nonEmpty(metadata["apiml.catalog.tile.id"]) ?? serviceID
            let tileTitle = nonEmpty(metadata["apiml.catalog.tile.title"]) ?? title
            let tileDescription = metadata["apiml.catalog.tile.description"] ?? service.description
            services.append(((tileID, tileTitle, tileDescription), service))
        }

        var containers: [String: CatalogContainer] = [:]
        for (tile, service) in services.sorted(by: { $0.service.serviceId < $1.service.serviceId }) {
            var container = containers[tile.id] ?? CatalogContainer(
                id: tile.id, title: tile.title, description: tile.description, status: "UP",
                totalServices: 0, activeServices: 0, services: [])
            container.services.append(service)
            container.totalServices += 1
            if service.status == "UP" { container.activeServices += 1 }
            container.status = container.activeServices == container.totalServices
                ? "UP" : (container.activeServices == 0 ? "DOWN" : "WARNING")
            containers[tile.id] = container
        }
        return containers.values.sorted { $0.id < $1.id }
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return text
    }
}

/// Reads the registry from the first discovery service that answers, and keeps the answer for
/// a few seconds: a page refreshing in many browsers costs discovery one request per period.
actor RegistryReader {
    struct Failure: Error, Sendable {
        let diagnostic: Diagnostic
    }

    private let client: SouthboundClient
    private let discoveryServices: [String]
    private let maximumAge: Duration
    private var cached: (at: ContinuousClock.Instant, instances: [EurekaApps.Instance])?
    private var inFlight: Task<Result<[EurekaApps.Instance], Failure>, Never>?

    init(client: SouthboundClient, discoveryServices: [String], maximumAge: Duration) {
        self.client = client
        self.discoveryServices = discoveryServices
        self.maximumAge = maximumAge
    }

    /// The registry's instances, at most `maximumAge` old; concurrent callers share one request.
    func instances() async -> Result<[EurekaApps.Instance], Failure> {
        if let cached, ContinuousClock.now - cached.at < maximumAge { return .success(cached.instances) }
        if let inFlight { return await inFlight.value }
        let task = Task { [client, discoveryServices] in await Self.fetch(client, discoveryServices) }
        inFlight = task
        let result = await task.value
        inFlight = nil
        if case .success(let instances) = result { cached = (.now, instances) }
        return result
    }

    private static func fetch(_ client: SouthboundClient, _ services: [String]) async -> Result<[EurekaApps.Instance], Failure> {
        guard !services.isEmpty else { return .failure(Failure(diagnostic: Diagnostic(MessageCatalog.catalogNoDiscovery))) }
        var reasons: [String] = []
        for base in services {
            do {
                let response = try await client.request(
                    "GET", base + "apps", headers: [("Accept", "application/json")],
                    timeout: .seconds(5), maxBodyBytes: 32 * 1024 * 1024)
                guard response.status == 200 else {
                    reasons.append("\(base) answered HTTP status \(response.status)")
                    continue
                }
                return .success(try EurekaApplications.parse(response.bytes).instances)
            } catch let error as SouthboundError {
                reasons.append("\(base): \(error.reason)")
            } catch let error as EurekaApplications.Malformed {
                reasons.append("\(base): \(error.reason)")
            } catch {
                reasons.append("\(base): \(error)")
            }
        }
        return .failure(Failure(diagnostic: Diagnostic(MessageCatalog.catalogDiscoveryUnreachable,
                                                        ["reason": reasons.joined(separator: "; ")])))
    }
}
