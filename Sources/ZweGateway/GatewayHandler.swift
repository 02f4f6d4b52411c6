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
/// proxies the rest to an instance of the service its path names, streaming the response
/// back. A request whose body has been read whole can be sent again, so a refused connection
/// is retried on the next instance.
///
/// Pipelined requests wait in a queue until the response before them is complete; reading
/// pauses only when the queue grows long, so that the common case (one request at a time)
/// costs no change of the socket's registration. A request the decoder cannot parse gets a
/// 400 and the connection closes.
final class GatewayHandler: ChannelInboundHandler, UpstreamResponseDelegate {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let gateway: GatewayContext
    private let pool: UpstreamPool
    private var context: ChannelHandlerContext?

    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var bodyTooLarge = false
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
    /// From a request's end until its response's end.
    private var responding = false
    /// Parts of pipelined requests that came while a response was in progress.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    private var readingPaused = false
    /// Queued parts beyond which reading pauses.
    private static let queueLimit = 64
    /// The one timer of the connection: due at or before the current exchange's deadline,
    /// moved on rather than replaced while requests keep finishing in time.
    private var timeoutTimer: Scheduled<Void>?
    private var timeoutTimerDue = NIODeadline.distantFuture

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

    init(gateway: GatewayContext, pool: UpstreamPool) {
        self.gateway = gateway
        self.pool = pool
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
        if responding || !queued.isEmpty {
            queued.append(part)
            if queued.count >= Self.queueLimit, !readingPaused {
                readingPaused = true
                context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
            }
            return
        }
        read(part, context: context)
    }

    private func read(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let requestHead):
            head = requestHead
            body = nil
            bodyTooLarge = false
            keepAlive = requestHead.isKeepAlive
            started = .now()
            route = ComponentMetrics.noRoute
            responseStatus = nil
            if requestHead.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: requestHead.version, status: .continue))),
                                      promise: nil)
            }
        case .body(var part):
            guard !bodyTooLarge else { return }
            if (body?.readableBytes ?? 0) + part.readableBytes > gateway.settings.maxBodyBytes {
                bodyTooLarge = true
                body = nil
                return
            }
            if body == nil {
                body = part
            } else {
                body!.writeBuffer(&part)
            }
        case .end:
            guard let requestHead = head else { return }
            responding = true
            dispatch(requestHead, context: context)
        }
    }

    /// After a response: the requests that queued up behind it, in order.
    private func readQueued(context: ChannelHandlerContext) {
        while !responding, context.channel.isActive, let part = queued.popFirst() {
            read(part, context: context)
        }
        if readingPaused, queued.count < Self.queueLimit / 2 {
            readingPaused = false
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
        }
    }

    private func dispatch(_ requestHead: HTTPRequestHead, context: ChannelHandlerContext) {
        // The path for messages; made only when one is written.
        var path: String { String(RouteTable.split(requestHead.uri).path) }
        if bodyTooLarge {
            keepAlive = false
            respond(.error(.payloadTooLarge, Diagnostic(MessageCatalog.gatewayRequestTooLarge,
                                                        ["path": path, "bytes": "\(gateway.settings.maxBodyBytes)"])))
            return
        }
        if LocalEndpoints.mayAnswer(requestHead.uri), let local = gateway.endpoints.answer(requestHead, body: body, on: context.eventLoop) {
            route = GatewayComponent.registration.serviceID
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            local.hop(to: context.eventLoop).whenComplete { result in
                switch result {
                case .success(let response): handler.value.respond(response)
                case .failure: handler.value.respond(.error(.internalServerError, Diagnostic(MessageCatalog.gatewayBadRequest,
                                                                                ["path": path, "reason": "internal error"])))
                }
            }
            return
        }
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
        if let body, body.readableBytes > 0 {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil)
        }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    /// The request's headers as the service gets them: hop-by-hop headers dropped, Host of the
    /// instance, the body's length, and where the request came from.
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
            HeaderName.equals(name, "host") || HeaderName.equals(name, "x-forwarded-for")
                || HeaderName.equals(name, "content-length") || HeaderName.isForwarded(name)
        }
        headers.add(name: "Host", value: instance.authority)
        let length = body?.readableBytes ?? 0
        if length > 0 || requestHead.headers.contains(name: "content-length") || requestHead.headers.contains(name: "transfer-encoding") {
            headers.add(name: "Content-Length", value: String(length))
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
        if exchange.index < exchange.candidates.count {
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
            if exchange.upstreamKeepAlive {
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
        if exchange.reused, !receivedBytes, !exchange.retriedStale, error is UpstreamClosed {
            exchange.retriedStale = true
            attempt(fresh: true)
            return
        }
        let failure = SouthboundClient.classify(error is UpstreamClosed ? ChannelError.eof : error,
                                                url: exchange.url, host: exchange.instance.host,
                                                timeout: gateway.settings.timeout)
        if failure.isTLSFailure {
            finish(.error(.badGateway, Diagnostic(MessageCatalog.gatewayTLSFailure, ["url": exchange.url, "reason": failure.reason])))
        } else if !receivedBytes, let method = head?.method, Self.isIdempotent(method) {
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
        body = nil
        responding = false
        let promise: EventLoopPromise<Void>? = close ? context.eventLoop.makePromise() : nil
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
        if let promise {
            queued.removeAll()
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            promise.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
        } else if !queued.isEmpty || readingPaused {
            readQueued(context: context)
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
        queued.removeAll()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if gateway.logsRequests { gateway.logger.debug("connection from \(clientAddress) closed: \(error)") }
        // A request the decoder cannot read: 400 when no response has begun (a response in
        // progress can only be cut short), then the connection closes. TLS errors of clients
        // that go away, resets: nothing to answer.
        if error is HTTPParserError, !responding, context.channel.isActive {
            var head = HTTPResponseHead(version: .http1_1, status: .badRequest)
            head.headers.add(name: "Content-Length", value: "0")
            head.headers.add(name: "Connection", value: "close")
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
            return
        }
        context.close(promise: nil)
    }
}
