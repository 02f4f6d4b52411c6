import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import NIOSSL
import ServiceLifecycle
import ZweComponentRuntime
import ZweMessages

/// The northbound listener on plain SwiftNIO: TLS with the Zowe certificate, HTTP/1.1 with
/// keep-alive and pipelining, one `GatewayHandler` per connection, on the event loop its
/// upstream connections use too. On a graceful shutdown it stops accepting, lets each
/// connection finish the request in progress, and closes the idle ones at once.
final class GatewayServer: Service, Sendable {
    let group: any EventLoopGroup
    let serverTLS: NIOSSLContext
    let gateway: GatewayContext
    let bindAddress: String
    let port: Int
    let urlHost: String
    let component: String
    /// Called once listening, with the port bound.
    let onListening: @Sendable (Int) -> Void

    init(group: any EventLoopGroup, serverTLS: NIOSSLContext, gateway: GatewayContext, bindAddress: String,
         port: Int, urlHost: String, component: String, onListening: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.group = group
        self.serverTLS = serverTLS
        self.gateway = gateway
        self.bindAddress = bindAddress
        self.port = port
        self.urlHost = urlHost
        self.component = component
        self.onListening = onListening
    }

    func run() async throws {
        let quiescing = ServerQuiescingHelper(group: group)
        let gateway = self.gateway
        let tls = serverTLS
        let limits = gateway.settings.limits
        let cap = ConnectionCap(limit: limits.maxConnections, component: component,
                                variable: limits.variable("MAX_CONNECTIONS"), logger: gateway.logger)
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderFieldSize = limits.maxHeaderLineBytes
        decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
        let headLimits = decoderLimits
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                    }
                }
                // TCP level, not SOL_SOCKET: at the socket level option 1 is SO_DEBUG, which only
                // root may set, and a refused option closes every accepted connection.
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelOption(.maxMessagesPerRead, value: 16)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let operations = channel.pipeline.syncOperations
                        // Over the cap: closed as soon as it is accepted, nothing read.
                        guard cap.admit(channel) else {
                            try operations.addHandler(CloseOnActiveHandler())
                            return
                        }
                        try operations.addHandler(NIOSSLServerHandler(context: tls))
                        // The handshake, head and keep-alive timeouts sit between TLS and HTTP.
                        let deadlines = ConnectionDeadlines(limits)
                        try operations.addHandler(deadlines)
                        // Response headers come from services through NIO's parser, or are our own.
                        // Pipelining and malformed requests are the handler's own work: NIO's
                        // helpers for them pause and resume reading around every request.
                        try operations.configureHTTPServerPipeline(
                            withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false, withEncoderConfiguration: .init(),
                            withDecoderLimitConfiguration: headLimits)
                        try operations.addHandler(GatewayHandler(gateway: gateway, pool: gateway.pools.pool(for: channel.eventLoop),
                                                                 deadlines: deadlines))
                    }.flatMapErrorThrowing { error in
                        gateway.logger.warning("gateway: a connection could not be set up: \(error)")
                        throw error
                    }
                }
                .bind(host: bindAddress, port: port).get()
        } catch {
            throw Diagnostic(MessageCatalog.runtimeCannotListen, [
                "component": component, "address": bindAddress, "port": "\(port)", "reason": Self.describe(error),
            ])
        }
        let bound = channel.localAddress?.port ?? port
        gateway.logger.info("\(component) listening on https://\(urlHost):\(bound)")
        onListening(bound)

        try? await gracefulShutdown()

        // Stop accepting; each connection closes after the response in progress.
        let done = group.next().makePromise(of: Void.self)
        quiescing.initiateShutdown(promise: done)
        // The wait ends when every connection has closed, or when the graceful-shutdown limit
        // cancels it; the open connections then end with the process.
        let wake = group.next().makePromise(of: Void.self)
        let woken = NIOLockedValueBox(false)
        let fire: @Sendable () -> Void = {
            if woken.withLockedValue({ was in defer { was = true }; return !was }) { wake.succeed(()) }
        }
        done.futureResult.whenComplete { _ in fire() }
        await withTaskCancellationHandler {
            try? await wake.futureResult.get()
        } onCancel: {
            fire()
        }
        try? await gateway.pools.closeAll()?.get()
    }

    static func describe(_ error: any Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        return "\(error)"
    }
}
