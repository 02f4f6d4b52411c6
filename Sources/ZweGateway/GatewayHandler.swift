import Logging
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1
import ZweComponentRuntime
import ZweMessages

/// What every northbound connection shares: the routes, the pools, the settings and the
/// authentication.
struct GatewayContext: Sendable {
    let routing: Routing
    let pools: UpstreamPools
    let settings: GatewaySettings
    let endpoints: LocalEndpoints
    let logger: Logger
    /// The gateway's own port, for X-Forwarded-Port.
    let portText: String
    /// Whether each request is logged (DEBUG): decided once, not per request.
    let logsRequests: Bool
    /// Request counts and durations by route and status, served at /application/prometheus.
    var metrics: ComponentMetrics { endpoints.metrics }
}

/// One northbound connection: reads a request, answers the gateway's own endpoints, and
/// proxies the rest to an instance of the service its path names, streaming the request body
/// to it as it comes and the response back. The route is chosen when the head has come; body
/// parts wait only while the service connection is being made (reading pauses when they pile
/// up, and whenever the service's connection cannot take more). What was written to a
/// service is kept while it is small (`replayLimit`), so that a refused or stale connection
/// is retried on the next instance; a larger body, once partly sent, is not sent twice.
///
/// The body limit (ZWE_GATEWAY_MAX_BODY_BYTES) is checked on Content-Length before anything
/// is answered, so a client that waits for `100 Continue` gets 413 instead. A chunked body
/// that grows past it gets 413 while no response has begun (the service's request is cut
/// off); once part of a response is out, both connections are closed.
///
/// Pipelined requests wait in a queue until the response before them is complete; reading
/// pauses only when the queue grows long, so that the common case (one request at a time)
/// costs no change of the socket's registration. A request the decoder cannot parse gets a
/// 400 (431 for a head over the size limits) and the connection closes.
final class GatewayHandler: ChannelInboundHandler, UpstreamResponseDelegate {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let gateway: GatewayContext
    private let pool: UpstreamPool
    /// The connection's handshake, head and keep-alive timeouts.
    private let deadlines: ConnectionDeadlines
    private var context: ChannelHandlerContext?

    private var head: HTTPRequestHead?
    /// From a request's head to its end: the parts that come are its body.
    private var requestOpen = false
    private var bodyBytes = 0
    private var expectsContinue = false
    /// A request for the gateway's own endpoints: its body is read whole, then answered.
    private var answersLocally = false
    private var localBody: ByteBuffer?
    /// Body parts that came while no service connection was ready.
    private var pending = CircularBuffer<ByteBuffer>()
    private var pendingBytes = 0
    /// Body parts written to the current service connection, kept for a retry while small.
    private var replay = CircularBuffer<ByteBuffer>()
    private var replayBytes = 0
    private var replayable = true
    /// Body parts written to the service since the last flush (flushed once per read).
    private var upstreamUnflushed = false
    /// After a refused request (413) whose body is still coming: the rest is read and dropped
    /// so that the client sees the answer rather than a reset, and the connection closes at
    /// the request's end or after `lingerTime`.
    private var lingering = false
    private var lingerTimer: Scheduled<Void>?
    private var keepAlive = true
    private var started = NIODeadline.now()
    /// For the debug line and the metrics of each request.
    private var responseStatus: HTTPResponseStatus?
    /// The route label of the request in progress: the service id it went to, `gateway` for the
    /// gateway's own endpoints, `none` when nothing matched.
    private var route = ComponentMetrics.noRoute
    /// The series of the last request's route and status: a connection's requests usually go
    /// to one route and get one status, so most requests find theirs here without a lock.
    private var lastSeries: (route: String, status: Int, series: ComponentMetrics.RequestSeries)?
    private var exchange: Exchange?
    /// From a request's head until its response's end.
    private var responding = false
    /// Parts of pipelined requests that came while a response was in progress.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    /// Why reading from the client is paused; it reads again when no reason is left.
    private var pauses: Pauses = []
    /// Queued parts beyond which reading pauses.
    private static let queueLimit = 64
    /// Body bytes waiting for a service connection beyond which reading pauses.
    private static let pendingLimit = 256 * 1024
    /// Body bytes kept for sending again to another instance.
    private static let replayLimit = 64 * 1024
    /// The largest body of a request to the gateway's own endpoints (a login's JSON).
    private static let localBodyLimit = 1024 * 1024
    private static let lingerTime = TimeAmount.seconds(5)
    /// The one timer of the connection: due at or before the current exchange's deadline,
    /// moved on rather than replaced while requests keep finishing in time.
    private var timeoutTimer: Scheduled<Void>?
    private var timeoutTimerDue = NIODeadline.distantFuture

    private struct Pauses: OptionSet {
        let rawValue: UInt8
        /// Too many pipelined parts are queued.
        static let queue = Pauses(rawValue: 1)
        /// The service's connection is not ready, or cannot take more of the body now.
        static let upstream = Pauses(rawValue: 2)
    }

    /// A proxied request in progress; callbacks of a connection attempt check that theirs is
    /// still the current one.
    private final class Exchange {
        let serviceID: String
        let path: String
        let gatewayPrefix: String
        let candidates: [UpstreamInstance]
        /// The service authenticates with z/OSMF's own session (`apiml.authentication.scheme: zosmf`).
        var zosmfScheme = false
        /// Whether the service keeps the connection open after this response.
        var upstreamKeepAlive = true

        init(serviceID: String, path: String, gatewayPrefix: String, candidates: [UpstreamInstance]) {
            self.serviceID = serviceID
            self.path = path
            self.gatewayPrefix = gatewayPrefix
            self.candidates = candidates
        }

        var index = 0
        var failures: [SouthboundError] = []
        /// The service connection the request is written to; nil while connecting.
        var connection: UpstreamConnection?
        var reused = false
        var retriedStale = false
        var headSent = false
        /// Whether reading from the service paused for a slow client.
        var upstreamPaused = false
        var deadline = NIODeadline.distantFuture

        var instance: UpstreamInstance { candidates[index] }
        var url: String { instance.baseURL + path }
    }

    init(gateway: GatewayContext, pool: UpstreamPool, deadlines: ConnectionDeadlines) {
        self.gateway = gateway
        self.pool = pool
        self.deadlines = deadlines
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: - Reading the request

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        // The current request's own parts are read at once; those of the requests after it
        // wait for its response.
        if queued.isEmpty, requestOpen || !responding {
            read(part, context: context)
            return
        }
        queued.append(part)
        if queued.count >= Self.queueLimit { pause(.queue, context: context) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if upstreamUnflushed {
            upstreamUnflushed = false
            exchange?.connection?.channel.flush()
        }
        context.fireChannelReadComplete()
    }

    private func read(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let requestHead):
            deadlines.requestHeadReceived()
            head = requestHead
            requestOpen = true
            responding = true
            bodyBytes = 0
            replayable = true
            answersLocally = false
            localBody = nil
            keepAlive = requestHead.isKeepAlive
            started = .now()
            route = ComponentMetrics.noRoute
            responseStatus = nil
            expectsContinue = requestHead.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" })
            begin(requestHead, context: context)
        case .body(let part):
            bodyBytes += part.readableBytes
            received(part, context: context)
        case .end:
            requestOpen = false
            ended(context: context)
        }
    }

    /// A request head: refused when its declared body is too large (before any `100
    /// Continue`), otherwise routed at once; the gateway's own endpoints wait for the body.
    private func begin(_ requestHead: HTTPRequestHead, context: ChannelHandlerContext) {
        if let declared = requestHead.headers.first(name: "content-length").flatMap({ Int($0) }),
           declared > gateway.settings.maxBodyBytes {
            refuseBody(context: context)
            return
        }
        if expectsContinue {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: requestHead.version, status: .continue))),
                                  promise: nil)
        }
        if LocalEndpoints.mayAnswer(requestHead.uri), LocalEndpoints.isLocal(requestHead.uri) {
            answersLocally = true
            route = GatewayComponent.registration.serviceID
            return
        }
        dispatch(requestHead, context: context)
    }

    /// 413: the body is, or has grown, larger than ZWE_GATEWAY_MAX_BODY_BYTES.
    private func refuseBody(context: ChannelHandlerContext) {
        keepAlive = false
        let path = head.map { String(RouteTable.split($0.uri).path) } ?? "/"
        let limit = answersLocally ? min(gateway.settings.maxBodyBytes, Self.localBodyLimit) : gateway.settings.maxBodyBytes
        finish(.error(.payloadTooLarge, Diagnostic(MessageCatalog.gatewayRequestTooLarge, ["path": path, "bytes": "\(limit)"])))
    }

    private func received(_ part: ByteBuffer, context: ChannelHandlerContext) {
        // Answered already (an error, or a service that did not wait for the body): dropped.
        guard responding, !lingering else { return }
        if answersLocally {
            if bodyBytes > min(gateway.settings.maxBodyBytes, Self.localBodyLimit) {
                refuseBody(context: context)
            } else if localBody == nil {
                localBody = part
            } else {
                var part = part
                localBody!.writeBuffer(&part)
            }
            return
        }
        guard let exchange else { return }
        if bodyBytes > gateway.settings.maxBodyBytes {
            if exchange.headSent {
                // Part of the service's answer is out: the client can only learn of the cut
                // by the connection closing; the service's request is cut off with it.
                self.exchange = nil
                exchange.connection?.channel.close(promise: nil)
                context.close(promise: nil)
            } else {
                refuseBody(context: context)
            }
            return
        }
        if let connection = exchange.connection {
            write(part, to: connection, context: context)
        } else {
            pending.append(part)
            pendingBytes += part.readableBytes
            if pendingBytes > Self.pendingLimit { pause(.upstream, context: context) }
        }
    }

    private func ended(context: ChannelHandlerContext) {
        if lingering {
            context.close(promise: nil)
            return
        }
        // Answered before the body was all there: the next request may come.
        guard responding else { return }
        if answersLocally {
            answerLocally(context: context)
            return
        }
        if let connection = exchange?.connection {
            upstreamUnflushed = false
            connection.channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        }
        // Still connecting: the end is written with the rest once connected.
    }

    private func write(_ part: ByteBuffer, to connection: UpstreamConnection, context: ChannelHandlerContext) {
        connection.channel.write(HTTPClientRequestPart.body(.byteBuffer(part)), promise: nil)
        upstreamUnflushed = true
        keepForReplay(part)
        if !connection.channel.isWritable { pause(.upstream, context: context) }
    }

    private func keepForReplay(_ part: ByteBuffer) {
        guard replayable else { return }
        replayBytes += part.readableBytes
        if replayBytes > Self.replayLimit {
            replayable = false
            replay.removeAll()
            replayBytes = 0
        } else {
            replay.append(part)
        }
    }

    func upstreamWritable() {
        if let context, exchange?.connection != nil { resume(.upstream, context: context) }
    }

    private func pause(_ reason: Pauses, context: ChannelHandlerContext) {
        guard !pauses.contains(reason) else { return }
        let wasReading = pauses.isEmpty
        pauses.insert(reason)
        if wasReading { context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in } }
    }

    private func resume(_ reason: Pauses, context: ChannelHandlerContext) {
        guard pauses.contains(reason) else { return }
        pauses.remove(reason)
        if pauses.isEmpty { context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in } }
    }

    /// After a response: the requests that queued up behind it, in order.
    private func readQueued(context: ChannelHandlerContext) {
        while requestOpen || !responding, context.channel.isActive, let part = queued.popFirst() {
            read(part, context: context)
        }
        if queued.count < Self.queueLimit / 2 { resume(.queue, context: context) }
    }

    private func answerLocally(context: ChannelHandlerContext) {
        guard let requestHead = head else { return }
        var path: String { String(RouteTable.split(requestHead.uri).path) }
        guard let local = gateway.endpoints.answer(requestHead, body: localBody, on: context.eventLoop) else {
            respond(.error(.notFound, Diagnostic(MessageCatalog.gatewayNoRoute, ["path": path])))
            return
        }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        local.hop(to: context.eventLoop).whenComplete { result in
            switch result {
            case .success(let response): handler.value.respond(response)
            case .failure: handler.value.respond(.error(.internalServerError, Diagnostic(MessageCatalog.gatewayBadRequest,
                                                                            ["path": path, "reason": "internal error"])))
            }
        }
    }

    private func dispatch(_ requestHead: HTTPRequestHead, context: ChannelHandlerContext) {
        // The path for messages; made only when one is written.
        var path: String { String(RouteTable.split(requestHead.uri).path) }
        let table = gateway.routing.table
        switch table.resolve(requestHead.uri) {
        case .noRoute:
            respond(.error(.notFound, Diagnostic(MessageCatalog.gatewayNoRoute, ["path": path])))
        case .encodedCharacters(let serviceID):
            route = serviceID
            respond(.error(.badRequest, Diagnostic(MessageCatalog.gatewayEncodedCharacters, ["serviceId": serviceID, "path": path])))
        case .route(let serviceID, let servicePath, let prefix):
            guard let service = table.services[serviceID] else {
                respond(.error(.notFound, Diagnostic(MessageCatalog.gatewayNoRoute, ["path": path])))
                return
            }
            route = serviceID
            guard !service.upInstances.isEmpty else {
                respond(.error(.serviceUnavailable, Diagnostic(MessageCatalog.gatewayNoInstanceUp, ["serviceId": serviceID])))
                return
            }
            let candidates = gateway.routing.order(service)
            let exchange = Exchange(serviceID: serviceID, path: servicePath, gatewayPrefix: prefix, candidates: candidates)
            exchange.zosmfScheme = service.authenticationScheme == "zosmf"
            exchange.deadline = .now() + gateway.settings.timeoutAmount
            self.exchange = exchange
            armTimeout(for: exchange.deadline, context: context)
            attempt(fresh: false)
        }
    }

    // MARK: - The gateway timeout

    /// Makes sure the connection's timer fires by `deadline`. A timer already due earlier stays:
    /// when it fires early it moves itself on to the deadline of the exchange then current.
    private func armTimeout(for deadline: NIODeadline, context: ChannelHandlerContext) {
        guard timeoutTimer == nil || timeoutTimerDue > deadline else { return }
        timeoutTimer?.cancel()
        timeoutTimerDue = deadline
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        timeoutTimer = context.eventLoop.scheduleTask(deadline: deadline) { handler.value.timeoutTimerFired() }
    }

    private func timeoutTimerFired() {
        timeoutTimer = nil
        timeoutTimerDue = .distantFuture
        guard let exchange, let context else { return }
        if exchange.deadline <= .now() {
            timedOut()
        } else {
            armTimeout(for: exchange.deadline, context: context)
        }
    }

    // MARK: - Proxying

    private func attempt(fresh: Bool) {
        guard let exchange else { return }
        // What an earlier attempt wrote goes out again first.
        while let part = replay.popLast() { pending.prepend(part) }
        pendingBytes += replayBytes
        replayBytes = 0
        let instance = exchange.instance
        if !fresh, let idle = pool.takeIdle(instance) {
            send(on: idle, reused: true)
            return
        }
        // No idle connection (or a fresh one wanted): a new one.
        let future = pool.connect(instance)
        let handler = NIOLoopBound(self, eventLoop: pool.eventLoop)
        let attempted = NIOLoopBound(exchange, eventLoop: pool.eventLoop)
        future.whenComplete { result in
            let handler = handler.value
            guard handler.exchange === attempted.value else {
                // The exchange ended (timeout, client gone) while connecting: keep the connection.
                if case .success(let connection) = result { handler.pool.release(connection) }
                return
            }
            switch result {
            case .success(let connection):
                handler.gateway.routing.markReachable(attempted.value.instance)
                handler.send(on: connection, reused: false)
            case .failure(let error): handler.connectFailed(error)
            }
        }
    }

    private func send(on connection: UpstreamConnection, reused: Bool) {
        guard let exchange, let requestHead = head, context != nil else {
            pool.release(connection)
            return
        }
        exchange.connection = connection
        exchange.reused = reused
        connection.handler.begin(self)

        var upstreamHead = HTTPRequestHead(version: .http1_1, method: requestHead.method, uri: exchange.path)
        upstreamHead.headers = forwardedHeaders(requestHead, instance: exchange.instance, prefix: exchange.gatewayPrefix)
        if exchange.zosmfScheme { upstreamHead.headers = zosmfSession(upstreamHead.headers) }
        let channel = connection.channel
        channel.write(HTTPClientRequestPart.head(upstreamHead), promise: nil)
        while let part = pending.popFirst() {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(part)), promise: nil)
            keepForReplay(part)
        }
        pendingBytes = 0
        if requestOpen {
            // The rest of the body follows as it comes.
            channel.flush()
            if channel.isWritable, let context { resume(.upstream, context: context) }
        } else {
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        }
    }

    /// The request's headers as the service gets them: hop-by-hop headers dropped, Host of the
    /// instance, the body's framing (the client's Content-Length, or chunked), and where the
    /// request came from.
    private func forwardedHeaders(_ requestHead: HTTPRequestHead, instance: UpstreamInstance, prefix: String) -> HTTPHeaders {
        // The client's headers stay as they are but for those removed here (the usual request
        // has none of them but Host): no copy of each one.
        var originalHost: String?
        var earlierForwardedFor: String?
        for (name, value) in requestHead.headers {
            if HeaderName.equals(name, "host") { originalHost = value }
            if HeaderName.equals(name, "x-forwarded-for") { earlierForwardedFor = value }
        }
        var headers = Self.withoutConnectionHeaders(requestHead.headers) { name in
            HeaderName.equals(name, "host") || HeaderName.equals(name, "x-forwarded-for") || HeaderName.isForwarded(name)
        }
        headers.add(name: "Host", value: instance.authority)
        // The decoder took a body framed by Content-Length (kept as it is) or chunked (its
        // Transfer-Encoding is hop-by-hop, so it is said again for this hop).
        if !headers.contains(name: "content-length"), requestHead.headers.contains(name: "transfer-encoding") {
            headers.add(name: "Transfer-Encoding", value: "chunked")
        }
        let client = clientAddress
        headers.add(name: "X-Forwarded-For", value: earlierForwardedFor.map { $0 + ", " + client } ?? client)
        headers.add(name: "X-Forwarded-Proto", value: "https")
        if let originalHost { headers.add(name: "X-Forwarded-Host", value: originalHost) }
        headers.add(name: "X-Forwarded-Port", value: gateway.portText)
        headers.add(name: "X-Forwarded-Prefix", value: prefix)
        return headers
    }

    /// For a `zosmf` service, the Zowe token becomes the z/OSMF session it was issued with:
    /// the apimlAuthenticationToken cookie (or bearer) is replaced by z/OSMF's own cookie. A
    /// request with Basic credentials, or with a token that is not valid, goes on unchanged
    /// and z/OSMF judges it.
    private func zosmfSession(_ headers: HTTPHeaders) -> HTTPHeaders {
        let cookies = headers["cookie"]
        let authorization = headers["authorization"]
        guard let token = Authenticator.token(cookies: cookies, authorization: authorization),
              case .success(let claims) = gateway.endpoints.authenticator.check(token),
              let session = gateway.endpoints.authenticator.zosmfSession(claims) else { return headers }
        var converted = headers
        converted.remove(name: "cookie")
        let others = cookies.flatMap { $0.split(separator: ";") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix(Authenticator.cookieName + "=") }
        converted.add(name: "Cookie", value: ([session] + others).joined(separator: "; "))
        if authorization.contains(where: { $0.lowercased().hasPrefix("bearer ") }) { converted.remove(name: "authorization") }
        return converted
    }

    /// The client's address, read once per connection.
    private lazy var clientAddress: String = context?.channel.remoteAddress?.ipAddress ?? "unknown"

    /// `headers` without the hop-by-hop ones, those the `Connection` header names, and those
    /// `alsoRemoving` picks. The rest stay as they are: the usual message has none to remove,
    /// and then nothing is copied.
    private static func withoutConnectionHeaders(_ headers: HTTPHeaders, alsoRemoving extra: (String) -> Bool = { _ in false }) -> HTTPHeaders {
        let named = connectionOptions(headers)
        var removing: [String] = []
        for (name, _) in headers where HeaderName.isHopByHop(name) || extra(name) || (!named.isEmpty && named.contains(name.lowercased())) {
            removing.append(name)
        }
        var kept = headers
        for name in removing { kept.remove(name: name) }
        return kept
    }

    /// Header names a `Connection` header lists: hop-by-hop for this connection only.
    private static func connectionOptions(_ headers: HTTPHeaders) -> Set<String> {
        var named: Set<String> = []
        for (name, value) in headers where HeaderName.equals(name, "connection") {
            for option in value.utf8.split(separator: UInt8(ascii: ",")) {
                let trimmed = option.drop(while: { $0 == 0x20 || $0 == 0x09 }).reversed().drop(while: { $0 == 0x20 || $0 == 0x09 })
                let token = String(decoding: trimmed.reversed(), as: UTF8.self).lowercased()
                // `keep-alive` and `close` name no header but keep-alive's own, removed anyway.
                if token != "keep-alive", token != "close", !token.isEmpty { named.insert(token) }
            }
        }
        return named
    }

    private func connectFailed(_ error: any Error) {
        guard let exchange else { return }
        let failure = SouthboundClient.classify(error, url: exchange.url, host: exchange.instance.host,
                                                timeout: gateway.settings.timeout)
        if failure.isTLSFailure {
            finish(.error(.badGateway, Diagnostic(MessageCatalog.gatewayTLSFailure, ["url": exchange.url, "reason": failure.reason])))
            return
        }
        if failure.kind == .connectionRefused || failure.kind == .timeout {
            gateway.routing.markUnreachable(exchange.instance)
        }
        tryNextInstance(exchange, after: failure)
    }

    /// The request goes to the next instance; when none is left, the answer says why.
    private func tryNextInstance(_ exchange: Exchange, after failure: SouthboundError) {
        gateway.logger.debug("\(exchange.serviceID): \(exchange.url): \(failure.reason); trying the next instance")
        exchange.failures.append(failure)
        exchange.index += 1
        if exchange.index < exchange.candidates.count, replayable {
            attempt(fresh: false)
            return
        }
        let path = head.map { String(RouteTable.split($0.uri).path) } ?? exchange.path
        if exchange.failures.allSatisfy({ $0.kind == .timeout }) {
            finish(.error(.gatewayTimeout, Diagnostic(MessageCatalog.gatewayTimeout, [
                "url": exchange.url, "milliseconds": "\(gateway.settings.timeoutMilliseconds)",
            ])))
        } else {
            finish(.error(.internalServerError, Diagnostic(MessageCatalog.gatewayAllInstancesFailed, [
                "url": path, "reason": failure.reason,
            ])))
        }
    }

    func upstreamHead(_ upstream: HTTPResponseHead) {
        guard let exchange, let context, let requestHead = head else { return }
        exchange.headSent = true
        exchange.upstreamKeepAlive = upstream.isKeepAlive
        responseStatus = upstream.status
        // The service's headers pass as they are but for those of its connection only.
        var headers = Self.withoutConnectionHeaders(upstream.headers)
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let response = HTTPResponseHead(version: requestHead.version, status: upstream.status, headers: headers)
        context.write(wrapOutboundOut(.head(response)), promise: nil)
    }

    func upstreamBody(_ buffer: ByteBuffer) {
        guard let context, let connection = exchange?.connection else { return }
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        // A slow client: stop reading from the service until the client has caught up.
        if !context.channel.isWritable, let exchange, !exchange.upstreamPaused {
            exchange.upstreamPaused = true
            connection.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        }
    }

    func upstreamReadComplete() {
        if exchange?.headSent == true { context?.flush() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let exchange, exchange.upstreamPaused, let connection = exchange.connection {
            exchange.upstreamPaused = false
            connection.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        }
        context.fireChannelWritabilityChanged()
    }

    func upstreamEnd() {
        guard let exchange else { return }
        self.exchange = nil
        if let connection = exchange.connection {
            // A service that answered before the whole body was sent has a request half read
            // on that connection: it is not used again.
            if exchange.upstreamKeepAlive, !requestOpen {
                if exchange.upstreamPaused {
                    connection.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
                }
                pool.release(connection)
            } else {
                connection.channel.close(promise: nil)
            }
        }
        endResponse()
    }

    func upstreamFailed(_ error: any Error, receivedBytes: Bool) {
        guard let exchange else { return }
        exchange.connection = nil
        if exchange.headSent {
            // Part of the response is out: the client can only learn of it by the connection closing.
            self.exchange = nil
            context?.close(promise: nil)
            return
        }
        // A kept-alive connection the service closed just before our request came: the
        // request never reached it; send it once more on a new connection.
        if exchange.reused, !receivedBytes, !exchange.retriedStale, replayable, error is UpstreamClosed {
            exchange.retriedStale = true
            attempt(fresh: true)
            return
        }
        let failure = SouthboundClient.classify(error is UpstreamClosed ? ChannelError.eof : error,
                                                url: exchange.url, host: exchange.instance.host,
                                                timeout: gateway.settings.timeout)
        if failure.isTLSFailure {
            finish(.error(.badGateway, Diagnostic(MessageCatalog.gatewayTLSFailure, ["url": exchange.url, "reason": failure.reason])))
        } else if !receivedBytes, replayable, let method = head?.method, Self.isIdempotent(method) {
            // The instance went away with the request and nothing of an answer came back (a
            // crash, a kill): a request that may be repeated goes to the next instance, as
            // when the connection is refused. Others (POST, PATCH) may have taken effect.
            exchange.connection?.channel.close(promise: nil)
            exchange.connection = nil
            if let io = error as? IOError, io.errnoCode == ETIMEDOUT {
                // Not acknowledged within the connect timeout: the host is away.
                gateway.routing.markUnreachable(exchange.instance)
            }
            tryNextInstance(exchange, after: failure)
        } else {
            let path = head.map { String(RouteTable.split($0.uri).path) } ?? exchange.path
            finish(.error(.internalServerError, Diagnostic(MessageCatalog.gatewayAllInstancesFailed, [
                "url": path, "reason": failure.reason,
            ])))
        }
    }

    /// RFC 9110 9.2.2: methods whose repetition has the effect of one request.
    private static func isIdempotent(_ method: HTTPMethod) -> Bool {
        switch method {
        case .GET, .HEAD, .OPTIONS, .PUT, .DELETE, .TRACE: return true
        default: return false
        }
    }

        private func timedOut() {
        guard let exchange else { return }
        self.exchange = nil
        exchange.connection?.channel.close(promise: nil)
        if exchange.headSent {
            context?.close(promise: nil)
            return
        }
        let milliseconds = gateway.settings.timeoutMilliseconds
        respond(.error(.gatewayTimeout, Diagnostic(MessageCatalog.gatewayTimeout, [
            "url": exchange.url, "milliseconds": "\(milliseconds)",
        ])))
    }

    /// Ends the exchange with a response of the gateway's own.
    private func finish(_ response: GatewayResponse) {
        if let connection = exchange?.connection { connection.channel.close(promise: nil) }
        exchange = nil
        respond(response)
    }

    // MARK: - Writing responses

    private func respond(_ response: GatewayResponse) {
        guard let context, let requestHead = head else { return }
        var responseHead = HTTPResponseHead(version: requestHead.version, status: response.status, headers: response.headers)
        responseHead.headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.readableBytes)")
        if !keepAlive { responseHead.headers.replaceOrAdd(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if requestHead.method != .HEAD, response.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        }
        responseStatus = response.status
        endResponse()
    }

    private func endResponse() {
        guard let context else { return }
        let close = !keepAlive
        let finished = NIODeadline.now()
        if let status = responseStatus?.code {
            series(route: route, status: Int(status)).record(.nanoseconds((finished - started).nanoseconds))
        }
        if gateway.logsRequests, let requestHead = head {
            let elapsed = (finished - started).nanoseconds / 100_000
            let client = context.channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "unknown"
            let code = responseStatus.map { "\($0.code)" } ?? "-"
            gateway.logger.debug("\(requestHead.method.rawValue) \(requestHead.uri) \(code) \(elapsed / 10).\(elapsed % 10) ms from \(client)")
        }
        head = nil
        localBody = nil
        pending.removeAll()
        pendingBytes = 0
        replay.removeAll()
        replayBytes = 0
        upstreamUnflushed = false
        responding = false
        // The rest of this request's body, if any, is read (and dropped) from now on.
        resume(.upstream, context: context)
        if close, requestOpen, !expectsContinue {
            // The client is still sending: closing now could reset the connection before it
            // reads the answer.
            lingering = true
            queued.removeAll()
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            lingerTimer = context.eventLoop.scheduleTask(in: Self.lingerTime) { bound.value.close(promise: nil) }
            return
        }
        let promise: EventLoopPromise<Void>? = close ? context.eventLoop.makePromise() : nil
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
        if let promise {
            queued.removeAll()
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            promise.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
        } else {
            deadlines.responseEnded()
            if !queued.isEmpty || !pauses.isEmpty { readQueued(context: context) }
        }
    }

    private func series(route: String, status: Int) -> ComponentMetrics.RequestSeries {
        if let last = lastSeries, last.status == status, last.route == route { return last.series }
        let found = gateway.metrics.requests(route: route, status: status)
        lastSeries = (route, status, found)
        return found
    }

    // MARK: - The connection ends

    func channelInactive(context: ChannelHandlerContext) {
        if let exchange {
            exchange.connection?.channel.close(promise: nil)
            self.exchange = nil
        }
        timeoutTimer?.cancel()
        timeoutTimer = nil
        lingerTimer?.cancel()
        lingerTimer = nil
        queued.removeAll()
        pending.removeAll()
        replay.removeAll()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if gateway.logsRequests { gateway.logger.debug("connection from \(clientAddress) closed: \(error)") }
        // A request the decoder cannot read: 400 when no response has begun (a response in
        // progress can only be cut short), then the connection closes. TLS errors of clients
        // that go away, resets: nothing to answer.
        if let parserError = error as? HTTPParserError, !responding, context.channel.isActive {
            var head = HTTPResponseHead(version: .http1_1, status: .badRequest)
            var body: ByteBuffer?
            if parserError == .headerOverflow {
                // Over ZWE_GATEWAY_MAX_HEADER_BYTES or _MAX_HEADER_LINE_BYTES: said as such.
                head.status = .requestHeaderFieldsTooLarge
                body = ConnectionLimits.errorBody(gateway.settings.limits.headersTooLarge)
                head.headers.add(name: "Content-Type", value: "application/json")
            }
            head.headers.add(name: "Content-Length", value: "\(body?.readableBytes ?? 0)")
            head.headers.add(name: "Connection", value: "close")
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
            return
        }
        context.close(promise: nil)
    }
}
