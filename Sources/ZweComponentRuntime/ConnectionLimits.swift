import Foundation
import Logging
import NIOCore
import NIOTLS
import Synchronization
import ZweMessages

/// What one client may hold of a server, so that no client starves the others: open
/// connections, the time to finish the TLS handshake, to send a request head, and to stay idle
/// between requests, and the size of a request head and body. Each HTTPS server reads its own
/// family of variables: the gateway `ZWE_GATEWAY_*`, the other components `ZWE_COMPONENT_*`.
///
/// The defaults follow nginx: `client_header_timeout` 60 s, `keepalive_timeout` 75 s,
/// `large_client_header_buffers 4 8k` (8 KiB a line, 32 KiB in all); the handshake gets 30 s
/// (nginx's `ssl_handshake_timeout` is 60 s; a handshake on a LAN takes milliseconds).
public struct ConnectionLimits: Sendable, Equatable {
    /// `{prefix}_MAX_CONNECTIONS`: open connections beyond which a new one is closed at once.
    public var maxConnections: Int
    /// `{prefix}_HANDSHAKE_TIMEOUT` (seconds): from accept until the TLS handshake is done.
    public var handshakeTimeout: TimeAmount
    /// `{prefix}_HEADER_TIMEOUT` (seconds): from the handshake, or from the first byte after an
    /// idle keep-alive wait, until the whole request head has come.
    public var headerTimeout: TimeAmount
    /// `{prefix}_KEEPALIVE_TIMEOUT` (seconds): from the end of a response until the next
    /// request's first byte.
    public var keepAliveTimeout: TimeAmount
    /// `{prefix}_MAX_HEADER_BYTES`: the request line and header fields in all (431 beyond).
    public var maxHeaderBytes: Int
    /// `{prefix}_MAX_HEADER_LINE_BYTES`: the request line, or one header field (431 beyond).
    public var maxHeaderLineBytes: Int
    /// `{prefix}_MAX_BODY_BYTES`: one request body (413 beyond).
    public var maxBodyBytes: Int
    /// The variables' prefix, for messages: `ZWE_GATEWAY` or `ZWE_COMPONENT`.
    public var prefix: String

    public init(prefix: String, maxConnections: Int = 4096, handshakeTimeout: TimeAmount = .seconds(30),
                headerTimeout: TimeAmount = .seconds(60), keepAliveTimeout: TimeAmount = .seconds(75),
                maxHeaderBytes: Int = 32 * 1024, maxHeaderLineBytes: Int = 8 * 1024, maxBodyBytes: Int) {
        self.prefix = prefix
        self.maxConnections = maxConnections
        self.handshakeTimeout = handshakeTimeout
        self.headerTimeout = headerTimeout
        self.keepAliveTimeout = keepAliveTimeout
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderLineBytes = maxHeaderLineBytes
        self.maxBodyBytes = maxBodyBytes
    }

    public func variable(_ suffix: String) -> String { prefix + "_" + suffix }

    /// The limits of the variables `prefix`_*, each checked: a bad value stops the component
    /// with ZWEL1501E naming the variable and what it must be.
    public static func read(prefix: String, component: String, defaultMaxBodyBytes: Int,
                            environment: [String: String]) throws(Diagnostic) -> ConnectionLimits {
        var limits = ConnectionLimits(prefix: prefix, maxBodyBytes: defaultMaxBodyBytes)
        func number(_ suffix: String, _ range: ClosedRange<Double>, expected: String, integer: Bool) throws(Diagnostic) -> Double? {
            let name = prefix + "_" + suffix
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let value = Double(text), value.isFinite, range.contains(value), !integer || value == value.rounded() else {
                throw Diagnostic(MessageCatalog.runtimeVariableInvalid, [
                    "component": component, "name": name, "value": text, "expected": expected,
                ])
            }
            return value
        }
        func seconds(_ suffix: String) throws(Diagnostic) -> TimeAmount? {
            try number(suffix, 0.1...86_400, expected: "a number of seconds from 0.1 to 86400", integer: false)
                .map { .milliseconds(Int64(($0 * 1000).rounded())) }
        }
        if let value = try number("MAX_CONNECTIONS", 1...1_000_000, expected: "a whole number from 1 to 1000000", integer: true) {
            limits.maxConnections = Int(value)
        }
        if let value = try seconds("HANDSHAKE_TIMEOUT") { limits.handshakeTimeout = value }
        if let value = try seconds("HEADER_TIMEOUT") { limits.headerTimeout = value }
        if let value = try seconds("KEEPALIVE_TIMEOUT") { limits.keepAliveTimeout = value }
        if let value = try number("MAX_HEADER_BYTES", 1024...1_048_576, expected: "a number of bytes from 1024 to 1048576", integer: true) {
            limits.maxHeaderBytes = Int(value)
        }
        if let value = try number("MAX_HEADER_LINE_BYTES", 256...1_048_576, expected: "a number of bytes from 256 to 1048576", integer: true) {
            limits.maxHeaderLineBytes = Int(value)
        }
        if let value = try number("MAX_BODY_BYTES", 0...4_294_967_296, expected: "a number of bytes up to 4294967296", integer: true) {
            limits.maxBodyBytes = Int(value)
        }
        // A line longer than the whole head could never be sent.
        limits.maxHeaderLineBytes = min(limits.maxHeaderLineBytes, limits.maxHeaderBytes)
        return limits
    }

    /// The 431 answer's diagnostic.
    public var headersTooLarge: Diagnostic {
        Diagnostic(MessageCatalog.runtimeHeadersTooLarge, [
            "bytes": "\(maxHeaderBytes)", "lineBytes": "\(maxHeaderLineBytes)",
            "variable": variable("MAX_HEADER_BYTES"), "lineVariable": variable("MAX_HEADER_LINE_BYTES"),
        ])
    }

    /// API ML's error body for `diagnostic`, as JSON bytes.
    public static func errorBody(_ diagnostic: Diagnostic) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: (try? encoder.encode(APIMLErrorBody(diagnostic))) ?? Data("{}".utf8))
    }
}

/// The count of a server's open connections, shared by its event loops. A connection beyond
/// the limit is closed as soon as it is accepted; the first one refused says so (ZWEL1518W)
/// and the burst ends, said by ZWEL1519I with the number refused, when the count has fallen a
/// tenth below the limit, so that a server held at its limit does not log every connection.
public final class ConnectionCap: Sendable {
    public let limit: Int
    private let open = Atomic<Int>(0)
    private let refusedInBurst = Atomic<Int>(0)
    private let atLimit = Atomic<Bool>(false)
    private let component: String
    private let variable: String
    private let logger: Logger

    public init(limit: Int, component: String, variable: String, logger: Logger) {
        self.limit = limit
        self.component = component
        self.variable = variable
        self.logger = logger
    }

    /// The connections open now.
    public var count: Int { open.load(ordering: .relaxed) }

    /// Counts an accepted connection until it closes; false (and not counted) when the limit
    /// is reached: the caller closes it.
    public func admit(_ channel: any Channel) -> Bool {
        let now = open.wrappingAdd(1, ordering: .relaxed).newValue
        guard now <= limit else {
            open.wrappingSubtract(1, ordering: .relaxed)
            refusedInBurst.wrappingAdd(1, ordering: .relaxed)
            if atLimit.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
                logger.warning("\(Diagnostic(MessageCatalog.runtimeConnectionLimitReached, ["component": component, "limit": "\(limit)", "variable": variable]))")
            }
            return false
        }
        channel.closeFuture.whenComplete { _ in self.closed() }
        return true
    }

    private func closed() {
        let now = open.wrappingSubtract(1, ordering: .relaxed).newValue
        guard now < limit - max(1, limit / 10), atLimit.load(ordering: .relaxed),
              atLimit.compareExchange(expected: true, desired: false, ordering: .relaxed).exchanged else { return }
        let refused = refusedInBurst.exchange(0, ordering: .relaxed)
        logger.info("\(Diagnostic(MessageCatalog.runtimeConnectionLimitCleared, ["component": component, "refused": "\(refused)", "limit": "\(limit)", "variable": variable]))")
    }
}

/// Closes its connection as soon as it is active: a connection over the limit.
public final class CloseOnActiveHandler: ChannelInboundHandler, Sendable {
    public typealias InboundIn = ByteBuffer
    public init() {}
    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { context.close(promise: nil) }
    }
    public func channelActive(context: ChannelHandlerContext) {
        context.close(promise: nil)
    }
}

/// The handshake, request-head and keep-alive timeouts of one connection, between the TLS
/// handler and the HTTP decoder. The HTTP layer says when a request head is complete
/// (`requestHeadReceived`) and when a response has ended (`responseEnded`); the first bytes
/// after an idle wait start the head timeout. The phase changes only move a deadline: one
/// timer per connection is scheduled when a deadline comes earlier than the one it is set
/// for, and a timer that fires early sets itself for the deadline then current, so that a busy
/// keep-alive connection schedules about one timer per header timeout, not one per request.
/// Nothing here looks at the bytes themselves.
public final class ConnectionDeadlines: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer

    public enum Phase: Sendable {
        case handshake, head, request, idle, closed
    }

    public private(set) var phase = Phase.handshake
    private let handshakeTimeout: TimeAmount
    private let headerTimeout: TimeAmount
    private let keepAliveTimeout: TimeAmount
    private var deadline = NIODeadline.distantFuture
    private var timer: Scheduled<Void>?
    private var timerDue = NIODeadline.distantFuture
    private var context: ChannelHandlerContext?
    private var started = false

    public init(_ limits: ConnectionLimits) {
        handshakeTimeout = limits.handshakeTimeout
        headerTimeout = limits.headerTimeout
        keepAliveTimeout = limits.keepAliveTimeout
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start() }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        stop()
        self.context = nil
    }

    public func channelActive(context: ChannelHandlerContext) {
        start()
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if phase == .handshake, let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            move(to: .head, deadline: .now() + headerTimeout)
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if phase == .idle { move(to: .head, deadline: .now() + headerTimeout) }
        context.fireChannelRead(data)
    }

    /// A whole request head has come: no timeout of this handler's until the response ends.
    public func requestHeadReceived() {
        guard phase == .head || phase == .idle else { return }
        phase = .request
        deadline = .distantFuture
    }

    /// A response has ended: the keep-alive wait for the next request begins.
    public func responseEnded() {
        guard phase != .closed else { return }
        move(to: .idle, deadline: .now() + keepAliveTimeout)
    }

    private func start() {
        guard !started else { return }
        started = true
        move(to: .handshake, deadline: .now() + handshakeTimeout)
    }

    private func stop() {
        phase = .closed
        timer?.cancel()
        timer = nil
        timerDue = .distantFuture
    }

    private func move(to phase: Phase, deadline: NIODeadline) {
        self.phase = phase
        self.deadline = deadline
        arm()
    }

    private func arm() {
        guard let context, phase != .closed, deadline < timerDue else { return }
        timer?.cancel()
        timerDue = deadline
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) { handler.value.fired() }
    }

    private func fired() {
        timer = nil
        timerDue = .distantFuture
        guard let context, phase != .closed, deadline != .distantFuture else { return }
        if deadline <= .now() {
            // The client took too long for the phase it is in: nothing is answered (as nginx
            // does for client_header_timeout), the connection just ends.
            phase = .closed
            context.close(promise: nil)
        } else {
            arm()
        }
    }
}
