import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import UnixSignals
import Synchronization
import ZweMessages

/// What a component program is: its id, the variable holding its port, and whether its
/// server asks clients for a certificate.
public struct ComponentSpec: Sendable, Equatable {
    public var id: String
    public var portVariable: String
    public var clientCertificates: ClientCertificatePolicy

    public init(id: String, portVariable: String, clientCertificates: ClientCertificatePolicy = .none) {
        self.id = id
        self.portVariable = portVariable
        self.clientCertificates = clientCertificates
    }
}

/// The request context of every component: Hummingbird's, plus the connection, from which a
/// handler reads the client's certificate (`context.channel.nioSSL_peerCertificate()`).
public struct ComponentRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}

/// The client certificate of a connection as the TLS layer left it.
public struct PeerCertificates: Sendable {
    /// The client's leaf certificate, nil when it presented none.
    public var presented: NIOSSLCertificate?
    /// The chain from the leaf to a trust root that the server's `clientCertificateCheck`
    /// returned; nil when the check found none (or the server has no check).
    public var validated: ValidatedCertificateChain?
}

extension ComponentRequestContext {
    /// The connection's client certificate and what the certificate check made of it, read
    /// on the connection's event loop in one hop.
    public func peerCertificates() async -> PeerCertificates {
        let channel = self.channel
        let answer = channel.eventLoop.submit { () throws -> PeerCertificates in
            let handler = try channel.pipeline.syncOperations.handler(type: NIOSSLHandler.self)
            return PeerCertificates(presented: handler.peerCertificate, validated: handler.peerValidatedCertificateChain)
        }
        return (try? await answer.get()) ?? PeerCertificates()
    }
}

/// Decides, once per TLS handshake, whether the chain a client presented (leaf first) leads to
/// a trust root: the validated chain (leaf to root) when it does, nil when it does not.
public typealias ClientCertificateCheck = @Sendable ([NIOSSLCertificate]) -> ValidatedCertificateChain?

/// A component's HTTPS server: Hummingbird over TLS on ZWE_BIND_ADDRESS and the component's
/// port, with `GET /application/health`, `GET /application/prometheus` (metrics in
/// Prometheus's text format; like health, no client certificate needed) and request logging
/// built in. The component adds its
/// routes to `router` and its background work to `services` before calling `run()`.
public struct ComponentServer {
    public let spec: ComponentSpec
    public let environment: ComponentEnvironment
    public let identity: TLSIdentity
    /// The identity new connections get; SIGHUP reads the stores again.
    public let identitySource: IdentitySource
    public let router: Router<ComponentRequestContext>
    public let logger: Logger
    /// What `/application/prometheus` serves; the component may add its own metrics.
    public let metrics: ComponentMetrics
    /// Run beside the server; asked to stop after the server has stopped taking requests.
    public var services: [any Service] = []
    /// The signals that stop the component gracefully.
    public var shutdownSignals: [UnixSignal] = [.sigterm, .sigint]
    /// How long in-flight requests may take after a stop signal before they are cancelled;
    /// below the launcher's default stop timeout (20 s), which ends in SIGKILL.
    public var gracefulShutdownLimit: Duration = .seconds(10)
    /// With `ClientCertificatePolicy.request`: when set, the TLS layer completes the handshake
    /// with whatever chain a client presents (from any CA, or none) and records this check's
    /// verdict on the connection, so that the component can answer an untrusted client on the
    /// HTTP level (`ComponentRequestContext.peerCertificates()`) instead of with a TLS alert.
    /// When nil, TLS itself refuses a chain that does not lead to the truststore.
    public var clientCertificateCheck: ClientCertificateCheck?

    public init(spec: ComponentSpec, environment: ComponentEnvironment, identity: TLSIdentity, logger: Logger) {
        self.spec = spec
        self.environment = environment
        self.identity = identity
        self.identitySource = IdentitySource(identity, environment: environment)
        self.logger = logger
        let metrics = ComponentMetrics(identity: identitySource)
        self.metrics = metrics
        let router = Router(context: ComponentRequestContext.self)
        router.middlewares.add(RequestRecordMiddleware(metrics: metrics, logger: logger))
        router.get("/application/health") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"UP"}"#)))
        }
        router.get("/application/prometheus") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: ComponentMetrics.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        self.router = router
    }

    /// Serves until a shutdown signal has been handled and in-flight requests are done.
    public func run() async throws(Diagnostic) {
        let component = environment.componentID
        let alias = identity.alias
        var configured = try identity.serverConfiguration(clientCertificates: spec.clientCertificates)
        configured.sslContextCallback = identitySource.handshakeOverride
        let tls = configured
        let listening = ListeningFlag()
        let configuredPort = environment.port
        let urlHost = environment.urlHost
        let logger = self.logger
        let check = spec.clientCertificates == .request ? clientCertificateCheck : nil
        let callers = CallerLog(component: component, logger: logger)
        let asksForCertificates = spec.clientCertificates != .none
        let limits = environment.limits
        let cap = ConnectionCap(limit: limits.maxConnections, component: component,
                                variable: limits.variable("MAX_CONNECTIONS"), logger: logger)
        let application = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                do {
                    // TLS, then the connection's timeouts, then HTTP with the size limits.
                    let http = DeadlinesChannel(base: limits.http1Channel(responder: responder), limits: limits)
                    if let check {
                        return CappedChannel(base: NoDelayChannel(base: CallerLoggingChannel(base: CheckedClientTLSChannel(
                            base: http, context: try NIOSSLContext(configuration: tls), check: check),
                            log: callers)), cap: cap)
                    }
                    let plain = try TLSChannel(http, tlsConfiguration: tls)
                    if asksForCertificates { return CappedChannel(base: NoDelayChannel(base: CallerLoggingChannel(base: plain, log: callers)), cap: cap) }
                    return CappedChannel(base: NoDelayChannel(base: plain), cap: cap)
                } catch {
                    // A key or chain the TLS library refuses: said as such, not as a server failure.
                    throw Diagnostic(MessageCatalog.runtimeTLSSetupFailed,
                                     ["component": component, "alias": alias, "reason": "\(error)"])
                }
            },
            configuration: ApplicationConfiguration(address: .hostname(environment.bindAddress, port: environment.port)),
            onServerRunning: { channel in
                listening.value.store(true, ordering: .sequentiallyConsistent)
                let port = channel.localAddress?.port ?? configuredPort
                logger.info("\(component) listening on https://\(urlHost):\(port)")
            },
            logger: Self.frameworkLogger(logger))

        // A service group stops its services last to first: the server first, so that nothing
        // the other services provide is gone while requests are still being answered.
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: IdentityReloadService(source: identitySource, logger: logger))]
                + services.map { .init(service: $0) } + [.init(service: application)],
            gracefulShutdownSignals: shutdownSignals,
            logger: Self.frameworkLogger(logger))
        configuration.maximumGracefulShutdownDuration = gracefulShutdownLimit
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            if let diagnostic = error as? Diagnostic { throw diagnostic }
            if listening.value.load(ordering: .sequentiallyConsistent) {
                throw Diagnostic(MessageCatalog.runtimeServerFailed, ["component": component, "reason": Self.describe(error)])
            }
            throw Diagnostic(MessageCatalog.runtimeCannotListen, [
                "component": component, "address": environment.bindAddress, "port": "\(environment.port)",
                "reason": Self.describe(error),
            ])
        }
    }

    /// Hummingbird and ServiceLifecycle say at info level what the component says itself
    /// ("listening ..."); their own lines only show when debugging.
    static func frameworkLogger(_ logger: Logger) -> Logger {
        var quiet = logger
        if quiet.logLevel > .debug { quiet.logLevel = .warning }
        return quiet
    }

    /// NIO's IOError describes itself with the C call; the errno text is what a user needs.
    static func describe(_ error: any Error) -> String {
        if let io = error as? IOError {
            return String(cString: strerror(io.errnoCode))
        }
        return "\(error)"
    }
}

/// Whether the server got as far as listening: an error before is a bind failure.
private final class ListeningFlag: Sendable {
    let value = Atomic<Bool>(false)
}

/// A child channel on a socket with Nagle's algorithm off: a client that sends its
/// certificate in several small segments would otherwise wait for a delayed ACK (about 40 ms)
/// on every new connection. Linux passes the listening socket's TCP_NODELAY (set by NIO) on to
/// accepted sockets, but that is a kernel habit, not a promise.
struct NoDelayChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.setOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1).flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// TLS whose client-certificate verification is `check`: BoringSSL's own chain check is
/// replaced by a custom verification callback that always lets the handshake complete and
/// records the validated chain, if any, for `NIOSSLHandler.peerValidatedCertificateChain`.
/// (BoringSSL still checks that the client holds the key of the certificate it presented.)
struct CheckedClientTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let context: NIOSSLContext
    let check: ClientCertificateCheck

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let check = self.check
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(
                context: context, configuration: .init(),
                customVerificationCallbackWithMetadata: { presented, promise in
                    promise.succeed(.certificateVerified(VerificationMetadata(check(presented))))
                }))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// What each request leaves behind, measured once: its count and duration by route (the
/// pattern it matched, such as `/jobs/api/v2/{name}/{id}`, or `none`: never the raw path, so
/// that the number of series stays bounded) and status, and at debug level one line with the
/// method, path, status, time taken and the client's address.
struct RequestRecordMiddleware: RouterMiddleware {
    typealias Context = ComponentRequestContext
    let metrics: ComponentMetrics
    let logger: Logger

    func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, since: started)
            return response
        } catch {
            record(request, context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: started)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? ComponentMetrics.noRoute
        metrics.requests(route: route, status: status).record(elapsed)
        guard logger.logLevel <= .debug else { return }
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        let milliseconds = "\(microseconds / 1000).\(microseconds % 1000 / 100)"
        let client = context.channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "unknown"
        logger.debug("\(request.method.rawValue) \(request.uri) \(status) \(milliseconds) ms from \(client)")
    }
}
