#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS

/// What an upstream connection reports to the exchange that is using it.
protocol UpstreamResponseDelegate: AnyObject {
    func upstreamHead(_ head: HTTPResponseHead)
    func upstreamBody(_ buffer: ByteBuffer)
    func upstreamEnd()
    /// The service's bytes of this read are handed over: time to flush them to the client.
    func upstreamReadComplete()
    /// The connection failed or closed before the response was complete.
    /// `receivedBytes`: whether any part of a response had arrived.
    func upstreamFailed(_ error: any Error, receivedBytes: Bool)
    /// The connection can take more of the request body again (after its buffer filled).
    func upstreamWritable()
}

/// The connection closed before a complete response.
struct UpstreamClosed: Error {}

/// One kept-alive connection to a service instance, owned by one event loop.
/// Sendable only to cross NIO's future callbacks, which run on that same loop.
final class UpstreamConnection: @unchecked Sendable {
    let channel: any Channel
    let key: String
    let handler: UpstreamHandler
    /// When it went back to the pool; an idle connection older than the idle timeout is closed.
    fileprivate var idleSince = NIODeadline.now()

    init(channel: any Channel, key: String, handler: UpstreamHandler) {
        self.channel = channel
        self.key = key
        self.handler = handler
    }
}

/// The last handler of an upstream connection: hands the response to the exchange using the
/// connection, and says when the TLS handshake is done, so that a handshake failure is a
/// failure to connect (retried on the next instance or answered ZWEAM511E) rather than a
/// failure of the request.
/// Confined to its channel's event loop, like every channel handler.
final class UpstreamHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    weak var delegate: (any UpstreamResponseDelegate)?
    /// Completed when the connection is ready for a request: after the TLS handshake, or at
    /// once for plain HTTP.
    let ready: EventLoopPromise<Void>
    private var isReady = false
    private var receivedBytes = false
    /// Called once the connection is gone, so the pool can forget it.
    var onClose: (() -> Void)?

    init(ready: EventLoopPromise<Void>) {
        self.ready = ready
    }

    /// Resets the per-request state before the connection carries a new request.
    func begin(_ delegate: any UpstreamResponseDelegate) {
        self.delegate = delegate
        receivedBytes = false
    }

    func markReady() {
        guard !isReady else { return }
        isReady = true
        ready.succeed(())
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event { markReady() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        receivedBytes = true
        guard let delegate else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            // An interim answer (100 Continue) is not the response.
            if head.status.code >= 100, head.status.code < 200, head.status != .switchingProtocols { return }
            delegate.upstreamHead(head)
        case .body(let buffer):
            delegate.upstreamBody(buffer)
        case .end:
            self.delegate = nil
            delegate.upstreamEnd()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        delegate?.upstreamReadComplete()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { delegate?.upstreamWritable() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(UpstreamClosed())
        onClose?()
        onClose = nil
        context.fireChannelInactive()
    }

    /// The connection was never made: the readiness promise fails with why.
    func connectFailed(_ error: any Error) {
        fail(error)
    }

    private func fail(_ error: any Error) {
        if !isReady {
            isReady = true
            ready.fail(error)
            return
        }
        if let delegate {
            self.delegate = nil
            delegate.upstreamFailed(error, receivedBytes: receivedBytes)
        }
    }
}

/// The idle upstream connections of one event loop, by scheme, host and port. Requests on a
/// loop use connections of the same loop only, so nothing here is shared between threads
/// (each method checks that it runs on the pool's loop).
final class UpstreamPool: @unchecked Sendable {
    let eventLoop: any EventLoop
    /// Replaced on the pool's loop when the identity is read again (SIGHUP): new connections
    /// present the renewed certificate, established ones keep theirs.
    private(set) var tls: NIOSSLContext
    let connectTimeout: TimeAmount
    let idleTimeout: TimeAmount
    let maximumIdlePerKey: Int
    private var idle: [String: [UpstreamConnection]] = [:]

    init(eventLoop: any EventLoop, tls: NIOSSLContext, connectTimeout: TimeAmount,
         idleTimeout: TimeAmount = .seconds(60), maximumIdlePerKey: Int = 128) {
        self.eventLoop = eventLoop
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.maximumIdlePerKey = maximumIdlePerKey
        // One sweep per half idle timeout closes what idled too long, instead of a timer per
        // connection set and cancelled on every request.
        let sweepEvery = TimeAmount.nanoseconds(max(idleTimeout.nanoseconds / 2, 1_000_000))
        eventLoop.scheduleRepeatedTask(initialDelay: sweepEvery, delay: sweepEvery) { [weak self] _ in
            self?.closeIdle(olderThan: .now() - idleTimeout)
        }
    }

    /// An idle connection to the instance, still open and not idle too long, if there is one:
    /// the usual case under load, answered without a future.
    func takeIdle(_ instance: UpstreamInstance) -> UpstreamConnection? {
        eventLoop.preconditionInEventLoop()
        guard idle[instance.poolKey]?.isEmpty == false else { return nil }
        let stale = NIODeadline.now() - idleTimeout
        // An emptied list keeps its key: the keys are the few instances in use.
        while let connection = idle[instance.poolKey]?.popLast() {
            if connection.channel.isActive, connection.idleSince > stale {
                return connection
            }
            connection.channel.close(promise: nil)
        }
        return nil
    }

    /// A new connection, ready for a request (TLS handshake done).
    func connect(_ instance: UpstreamInstance) -> EventLoopFuture<UpstreamConnection> {
        let ready = eventLoop.makePromise(of: Void.self)
        let handler = UpstreamHandler(ready: ready)
        let tls = instance.secure ? self.tls : nil
        // SNI and the host name check take a name; for an address, NIOSSL checks the
        // certificate against the address connected to.
        let serverHostname = Self.isAddress(instance.host) ? nil : instance.host
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            // A request sent to a host that was cut off is never acknowledged: the kernel ends
            // such a connection after the connect timeout (TCP_USER_TIMEOUT), and the request
            // goes to the next instance instead of waiting for the whole gateway timeout. A
            // live but slow service is not affected: its kernel acknowledges at once.
            .channelOption(.tcpOption(.init(rawValue: CInt(TCP_USER_TIMEOUT))), value: SocketOptionValue(clamping: connectTimeout.nanoseconds / 1_000_000))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    if let tls {
                        try operations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                    }
                    // The headers going out were parsed from a client's request (or are our own):
                    // checking them again costs every request and finds nothing.
                    try operations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    try operations.addHandler(handler)
                }
            }
        let key = instance.poolKey
        let timeout = connectTimeout
        let loop = eventLoop
        let connecting = bootstrap.connect(host: instance.host, port: instance.port)
        connecting.whenFailure { error in handler.connectFailed(error) }
        return connecting.flatMap { channel in
            if tls == nil { handler.markReady() }
            // The handshake gets the connect timeout too: a server that accepts but never
            // answers TLS must not hold a request for the whole gateway timeout.
            let deadline = loop.scheduleTask(in: timeout) {
                channel.pipeline.fireErrorCaught(ChannelError.connectTimeout(timeout))
            }
            return ready.futureResult.map { [weak self] in
                deadline.cancel()
                let connection = UpstreamConnection(channel: channel, key: key, handler: handler)
                handler.onClose = { [weak self, weak connection] in
                    guard let self, let connection else { return }
                    self.remove(connection)
                }
                return connection
            }.flatMapErrorThrowing { error in
                deadline.cancel()
                channel.close(promise: nil)
                throw error
            }
        }
    }

    /// Returns a connection whose response was complete; it is closed instead when the pool
    /// for its key is full or the server is closing it.
    func release(_ connection: UpstreamConnection) {
        eventLoop.preconditionInEventLoop()
        guard connection.channel.isActive else { return }
        guard (idle[connection.key]?.count ?? 0) < maximumIdlePerKey else {
            connection.channel.close(promise: nil)
            return
        }
        connection.handler.delegate = nil
        connection.idleSince = .now()
        // Appended in place: taking the list out and storing it back would copy it each time.
        idle[connection.key, default: []].append(connection)
    }

    private func remove(_ connection: UpstreamConnection) {
        guard var list = idle[connection.key], let index = list.firstIndex(where: { $0 === connection }) else { return }
        list.remove(at: index)
        idle[connection.key] = list.isEmpty ? nil : list
    }

    /// Closes every idle connection (on stop).
    func closeAll() {
        closeIdle(olderThan: .distantFuture)
    }

    private func closeIdle(olderThan limit: NIODeadline) {
        eventLoop.preconditionInEventLoop()
        for (key, list) in idle {
            let (old, young) = (list.filter { $0.idleSince <= limit }, list.filter { $0.idleSince > limit })
            idle[key] = young.isEmpty ? nil : young
            for connection in old { connection.channel.close(promise: nil) }
        }
    }

    func useTLS(_ context: NIOSSLContext) {
        eventLoop.preconditionInEventLoop()
        tls = context
    }

    static func isAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

/// One pool per event loop of the group, found by the loop a connection runs on.
final class UpstreamPools: @unchecked Sendable {
    // Written once in init, read only afterwards; each pool is used on its own loop only.
    private let pools: [ObjectIdentifier: UpstreamPool]

    init(group: any EventLoopGroup, tls: NIOSSLContext, connectTimeout: TimeAmount) {
        var pools: [ObjectIdentifier: UpstreamPool] = [:]
        for loop in group.makeIterator() {
            pools[ObjectIdentifier(loop)] = UpstreamPool(eventLoop: loop, tls: tls, connectTimeout: connectTimeout)
        }
        self.pools = pools
    }

    func pool(for loop: any EventLoop) -> UpstreamPool {
        guard let pool = pools[ObjectIdentifier(loop)] else {
            preconditionFailure("an event loop outside the gateway's group")
        }
        return pool
    }

    /// The TLS context of every connection made from now on.
    func replaceTLS(_ context: NIOSSLContext) {
        for pool in pools.values {
            pool.eventLoop.execute { pool.useTLS(context) }
        }
    }

    /// Closes every idle connection on every loop.
    func closeAll() -> EventLoopFuture<Void>? {
        let futures = pools.values.map { pool in pool.eventLoop.submit { pool.closeAll() } }
        guard let first = futures.first else { return nil }
        return EventLoopFuture.andAllSucceed(futures, on: first.eventLoop)
    }
}
