// ZweGateway owns the gateway component: northbound HTTPS with the Zowe certificate, routes
// learned from discovery (both route forms, round robin, retry on the next instance), the
// proxy path on plain SwiftNIO with pooled southbound TLS in the instance's verify mode,
// API ML's error bodies, its own endpoints (health, services, version, landing page), and
// login/query/logout with the apimlAuthenticationToken signed by the keystore's jwtsecret key.
// It reads its identity from the environment as every component does (ZweComponentRuntime),
// but serves on its own NIO pipeline rather than the runtime's Hummingbird server, because
// the proxy path must stream and pool connections per event loop.

import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import ZweComponentRuntime
import ZweMessages

public enum GatewayComponent {
    /// What the gateway registers with discovery as.
    public static let registration = EurekaRegistration(
        serviceID: "gateway",
        title: "API Gateway",
        description: "API Gateway service to route requests to services registered in the API Mediation Layer and provides an API for mediation layer",
        routes: [.init(gatewayURL: "api/v1", serviceURL: "/gateway/api/v1")],
        homePagePath: "/",
        extraMetadata: ["apiml.authentication.scheme": "bypass"])

    /// Runs the gateway until SIGTERM or SIGINT, then exits: 0 after a graceful stop, 1 on an error.
    public static func run(
        _ spec: ComponentSpec, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async -> Never {
        ComponentMain.prepareProcess()
        do throws(Diagnostic) {
            let group = try make(spec, environment: environment)
            do {
                try await group.run()
            } catch {
                if let diagnostic = error as? Diagnostic { throw diagnostic }
                throw Diagnostic(MessageCatalog.runtimeServerFailed, ["component": spec.id, "reason": "\(error)"])
            }
            exit(0)
        } catch {
            ComponentMain.fail(error)
        }
    }

    /// Everything before listening: environment, stores, the jwtsecret key, TLS contexts.
    static func make(_ spec: ComponentSpec, environment: [String: String]) throws(Diagnostic) -> ServiceGroup {
        let base = try ComponentMain.makeServer(spec, environment: environment)
        let settings = base.environment
        let component = settings.componentID
        let logger = base.logger
        let gatewaySettings = try GatewaySettings.read(component: component, environment: environment)
        let validator = try TokenValidator.load(settings)

        let clientTLS: NIOSSLContext
        let serverTLS: NIOSSLContext
        let clientConfiguration = try base.identity.clientConfiguration(mode: settings.verifyMode)
        // As the component says (`.request`): a client certificate is asked for, and one that is
        // given must chain to the truststore's certificate authorities.
        var serverConfiguration = try base.identity.serverConfiguration(clientCertificates: spec.clientCertificates)
        serverConfiguration.sslContextCallback = base.identitySource.handshakeOverride
        do {
            clientTLS = try NIOSSLContext(configuration: clientConfiguration)
            serverTLS = try NIOSSLContext(configuration: serverConfiguration)
        } catch {
            throw Diagnostic(MessageCatalog.runtimeTLSSetupFailed, ["component": component, "alias": base.identity.alias, "reason": "\(error)"])
        }

        if case .file(let path) = gatewaySettings.provider, !FileManager.default.isReadableFile(atPath: path) {
            logger.warning("\(Diagnostic(MessageCatalog.gatewayUsersFileUnreadable, ["path": path, "reason": FileManager.default.fileExists(atPath: path) ? "it cannot be read" : "it does not exist"]))")
        }

        let client = try SouthboundClient(identity: base.identity, mode: settings.verifyMode, logger: logger)
        let group = MultiThreadedEventLoopGroup.singleton
        let connectTimeout = gatewaySettings.connectTimeout
        let pools = UpstreamPools(group: group, tls: clientTLS, connectTimeout: .nanoseconds(
            connectTimeout.components.seconds * 1_000_000_000 + connectTimeout.components.attoseconds / 1_000_000_000))
        let routing = Routing()
        let authenticator = Authenticator(validator: validator, provider: gatewaySettings.provider,
                                          lifetime: gatewaySettings.tokenLifetime, client: client, logger: logger)
        let endpoints = LocalEndpoints(routing: routing, authenticator: authenticator, version: version(environment),
                                       metrics: base.metrics)
        let context = GatewayContext(routing: routing, pools: pools, settings: gatewaySettings, endpoints: endpoints,
                                     logger: logger, portText: String(settings.port), logsRequests: logger.logLevel <= .debug)
        let watcher = RegistryWatcher(routing: routing, client: client,
                                      discoveryServices: gatewaySettings.discovery.discoveryServices,
                                      refresh: gatewaySettings.registryRefresh, logger: logger)
        let eureka = EurekaClient(registration: registration, port: settings.port, configuration: gatewaySettings.discovery,
                                  client: client, component: component, logger: logger)
        let server = GatewayServer(group: group, serverTLS: serverTLS, gateway: context, bindAddress: settings.bindAddress,
                                   port: settings.port, urlHost: settings.urlHost, component: component)

        var quiet = logger
        if quiet.logLevel > .debug { quiet.logLevel = .warning }
        // Stopped last to first: the listener finishes its requests, then the registry watcher
        // and the registration end (the cancellation still has the client), then the client.
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: IdentityReloadService(source: base.identitySource, logger: logger) { identity throws(Diagnostic) in
                           // Southbound too: new upstream connections present the renewed certificate.
                           do {
                               pools.replaceTLS(try NIOSSLContext(configuration: try identity.clientConfiguration(mode: settings.verifyMode)))
                           } catch let diagnostic as Diagnostic {
                               throw diagnostic
                           } catch {
                               throw Diagnostic(MessageCatalog.runtimeTLSSetupFailed, ["component": component, "alias": identity.alias, "reason": "\(error)"])
                           }
                       }),
                       .init(service: client.service), .init(service: eureka), .init(service: watcher), .init(service: server)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: quiet)
        configuration.maximumGracefulShutdownDuration = .seconds(10)
        return ServiceGroup(configuration: configuration)
    }

    /// The runtime's version from ROOT_DIR/manifest.json.
    static func version(_ environment: [String: String]) -> String {
        guard let root = environment["ROOT_DIR"], !root.isEmpty,
              let data = FileManager.default.contents(atPath: root + "/manifest.json"),
              let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let version = manifest["version"] as? String else { return "unknown" }
        return version
    }
}
