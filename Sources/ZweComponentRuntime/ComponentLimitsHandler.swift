import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import ZweMessages

/// The HTTP side of a component's `ConnectionLimits`, after Hummingbird's decoding: tells the
/// connection's `ConnectionDeadlines` when a request head has come and a response has ended;
/// answers a Content-Length above the body limit with 413 before the application sees the
/// request (and before any of the body is read); ends the connection when a chunked body grows
/// past it (the application is already reading it: no answer can be given any more); and
/// answers a head over the decoder's size limits with 431 instead of Hummingbird's 400.
/// Both answers carry API ML's error body and close the connection.
final class ComponentLimitsHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private var deadlines: ConnectionDeadlines?
    /// Heads passed on whose response has not ended.
    private var unanswered = 0
    private var bodyBytes = 0
    /// After a 413 or 431 of our own: the rest of the request is dropped and the connection
    /// closes once the answer is out.
    private var refusing = false

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    func handlerAdded(context: ChannelHandlerContext) {
        deadlines = try? context.pipeline.syncOperations.handler(type: ConnectionDeadlines.self)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refusing else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            deadlines?.requestHeadReceived()
            bodyBytes = 0
            if let length = head.headerFields[.contentLength].flatMap({ Int($0) }), length > limits.maxBodyBytes {
                let path = String(head.path?.split(separator: "?", maxSplits: 1).first ?? "")
                refuse(context: context, status: .contentTooLarge, Diagnostic(MessageCatalog.runtimeRequestTooLarge, [
                    "path": path, "bytes": "\(limits.maxBodyBytes)", "variable": limits.variable("MAX_BODY_BYTES"),
                ]))
                return
            }
            unanswered += 1
        case .body(let buffer):
            bodyBytes += buffer.readableBytes
            if bodyBytes > limits.maxBodyBytes {
                // The application has the head and reads the body as it comes: it can only
                // learn of the cut by the connection ending.
                refusing = true
                context.close(promise: nil)
                return
            }
        case .end:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            unanswered -= 1
            deadlines?.responseEnded()
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parser = error as? HTTPParserError, parser == .headerOverflow, !refusing {
            deadlines?.requestHeadReceived()
            refuse(context: context, status: .requestHeaderFieldsTooLarge, limits.headersTooLarge)
            return
        }
        context.fireErrorCaught(error)
    }

    /// Answers `status` with API ML's body and closes; with a response of the application
    /// still in progress, only closes (an answer now would land inside that response).
    private func refuse(context: ChannelHandlerContext, status: HTTPResponse.Status, _ diagnostic: Diagnostic) {
        refusing = true
        guard unanswered == 0 else {
            context.close(promise: nil)
            return
        }
        let body = ConnectionLimits.errorBody(diagnostic)
        let head = HTTPResponse(status: status, headerFields: [
            .contentType: "application/json", .contentLength: "\(body.readableBytes)", .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}

/// A child channel with `ConnectionDeadlines` right after TLS (before the HTTP decoder), for
/// the handshake, head and keep-alive timeouts.
struct DeadlinesChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let limits: ConnectionLimits

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let limits = self.limits
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ConnectionDeadlines(limits))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// The outermost child channel: counts the connection against the server's cap, and closes
/// it at once when the cap is reached (after the pipeline is built, which Hummingbird needs
/// to hand the connection over; nothing is read from it).
struct CappedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let cap: ConnectionCap

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admitted = cap.admit(channel)
        let future = base.setup(channel: channel, logger: logger)
        guard !admitted else { return future }
        return future.map { value in
            channel.close(promise: nil)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension ConnectionLimits {
    /// Hummingbird's HTTP/1 channel with these limits: the decoder's head sizes, no idle
    /// timer of its own (`ConnectionDeadlines` has them), and `ComponentLimitsHandler`.
    func http1Channel(responder: @escaping HTTPChannelHandler.Responder) -> HTTP1Channel {
        let limits = self
        return HTTP1Channel(responder: responder, configuration: .init(
            additionalChannelHandlers: [ComponentLimitsHandler(limits: limits)],
            idleTimeout: nil,
            httpDecoderConfiguration: .init(maxHeaderFieldSize: maxHeaderLineBytes, maxHeaderListSize: maxHeaderBytes)))
    }
}
