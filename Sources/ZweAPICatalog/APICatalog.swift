// ZweAPICatalog owns the api-catalog component: it registers with discovery as `apicatalog`
// (routes ui/v1 -> /apicatalog and api/v1 -> /apicatalog/api/v1), serves the JSON of every
// service discovery knows at /apicatalog/api/v1/containers, read through the southbound
// client and kept a few seconds, and the web page at /apicatalog that lists them and
// refreshes itself. It runs on ZweComponentRuntime like every component.

import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import ZweComponentRuntime
import ZweMessages

public enum APICatalogComponent {
    /// The service id and routes it registers with.
    public static let registration = EurekaRegistration(
        serviceID: "apicatalog",
        title: "API Catalog",
        description: "API ML Microservice to locate and display API documentation for API ML discovered microservices",
        routes: [
            .init(gatewayURL: "ui/v1", serviceURL: "/apicatalog"),
            .init(gatewayURL: "api/v1", serviceURL: "/apicatalog/api/v1"),
        ],
        homePagePath: "/apicatalog",
        statusPagePath: "/application/health",
        extraMetadata: [
            "apiml.catalog.tile.id": "apimediationlayer",
            "apiml.catalog.tile.title": "API Mediation Layer API",
            "apiml.catalog.tile.description": "The API Mediation Layer for z/OS internal API services.",
            "apiml.catalog.tile.version": "1.0.0",
            "apiml.apiInfo.0.apiId": "zowe.apiml.apicatalog",
            "apiml.apiInfo.0.gatewayUrl": "api/v1",
            "apiml.apiInfo.0.version": "1.0.0",
            "apiml.authentication.scheme": "bypass",
        ])

    /// Adds the catalog's routes, its discovery registration and its southbound client to a
    /// component server. Reads ZWE_DISCOVERY_SERVICES_LIST, ZWE_EUREKA_RENEW_SECONDS,
    /// ZOWE_EXPLORER_HOST, ZOWE_IP_ADDRESS and ZWE_CATALOG_CACHE_SECONDS (default 3).
    public static func configure(
        _ server: inout ComponentServer, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Diagnostic) {
        let component = server.environment.componentID
        let discovery = try EurekaClientConfiguration.read(component: component, environment: environment)
        var cacheAge = Duration.seconds(3)
        if let text = environment["ZWE_CATALOG_CACHE_SECONDS"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let seconds = Double(text), seconds >= 0, seconds <= 300 else {
                throw Diagnostic(MessageCatalog.runtimeVariableInvalid, [
                    "component": component, "name": "ZWE_CATALOG_CACHE_SECONDS", "value": text,
                    "expected": "a number of seconds from 0 to 300",
                ])
            }
            cacheAge = .milliseconds(Int64((seconds * 1000).rounded()))
        }

        let client = try SouthboundClient(identity: server.identity, mode: server.environment.verifyMode, logger: server.logger)
        let eureka = EurekaClient(
            registration: registration, port: server.environment.port, configuration: discovery,
            client: client, component: component, logger: server.logger)
        let reader = RegistryReader(client: client, discoveryServices: discovery.discoveryServices, maximumAge: cacheAge)

        addRoutes(to: server.router, reader: reader)
        // Stopped last to first: the Eureka client cancels the registration while the
        // southbound client is still open, then the client's pool closes.
        server.services.append(client.service)
        server.services.append(eureka)
    }

    static func addRoutes(to router: Router<ComponentRequestContext>, reader: RegistryReader) {
        // The router takes a path with a trailing slash for the same route.
        for path in ["/apicatalog", "/apicatalog/ui/v1"] {
            router.get(RouterPath(stringLiteral: path)) { _, _ in page() }
        }
        // The page asks for api/v1/containers relative to itself: under ui/v1 as well.
        for base in ["/apicatalog/api/v1/containers", "/apicatalog/ui/v1/api/v1/containers"] {
            router.get(RouterPath(stringLiteral: base)) { _, _ in
                await containers(reader: reader, id: nil)
            }
            router.get(RouterPath(stringLiteral: base + "/:id")) { _, context in
                await containers(reader: reader, id: context.parameters.get("id") ?? "")
            }
        }
    }

    static func page() -> Response {
        WebPage.response(html: CatalogPage.html, contentSecurityPolicy: CatalogPage.contentSecurityPolicy)
    }

    /// Every container, or the one holding service `id` (the container with only that service).
    static func containers(reader: RegistryReader, id: String?) async -> Response {
        switch await reader.instances() {
        case .failure(let failure):
            return errorResponse(.serviceUnavailable, failure.diagnostic)
        case .success(let instances):
            var containers = EurekaApps.containers(instances)
            if let id {
                let wanted = (id.removingPercentEncoding ?? id).lowercased()
                containers = containers.compactMap { container in
                    var container = container
                    container.services = container.services.filter { $0.serviceId == wanted }
                    return container.services.isEmpty ? nil : container
                }
                if containers.isEmpty {
                    return errorResponse(.notFound, Diagnostic(MessageCatalog.catalogServiceUnknown, ["id": wanted]))
                }
            }
            return json(.ok, containers)
        }
    }

    /// API ML's error body.
    static func errorResponse(_ status: HTTPResponse.Status, _ diagnostic: Diagnostic) -> Response {
        json(status, APIMLErrorBody(diagnostic))
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("[]".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
