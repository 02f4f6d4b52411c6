import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import Synchronization
import X509
import ZweMessages

/// Says in the component's log who calls it: once per process for each client certificate
/// subject seen (at info level), and for every connection at debug level, read when the TLS
/// handshake completes, so that a request costs nothing for it. The services behind the
/// gateway ask for a client certificate; the gateway presents the Zowe certificate, so their
/// logs show the gateway's subject, and any other caller's.
final class CallerLog: Sendable {
    private let component: String
    private let logger: Logger
    private let seen = Mutex(Set<String>())
    /// Past this many distinct subjects, further ones are said at debug level only: a client
    /// making certificates cannot fill the log.
    static let distinctSubjectsLogged = 64

    init(component: String, logger: Logger) {
        self.component = component
        self.logger = logger
    }

    /// A handler for a connection's pipeline, placed after its NIOSSLHandler.
    func handler() -> ChannelHandler { Handler(log: self) }

    fileprivate func connected(_ certificate: NIOSSLCertificate?, from address: String) {
        guard let certificate else {
            logger.debug("connection from \(address) without a client certificate")
            return
        }
        let subject: String
        let issuer: String
        if let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) {
            subject = "\(parsed.subject)"
            issuer = "\(parsed.issuer)"
        } else {
            subject = "(unreadable certificate)"
            issuer = "?"
        }
        let first = seen.withLock { subjects in
            guard subjects.count < Self.distinctSubjectsLogged, !subjects.contains(subject) else { return false }
            subjects.insert(subject)
            return true
        }
        if first {
            logger.info("\(Diagnostic(MessageCatalog.runtimeCaller, ["component": component, "subject": subject, "issuer": issuer, "address": address]))")
        } else {
            logger.debug("connection from \(address) with the client certificate '\(subject)'")
        }
    }

    private final class Handler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
        typealias InboundIn = NIOAny
        let log: CallerLog

        init(log: CallerLog) {
            self.log = log
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case TLSUserEvent.handshakeCompleted = event {
                let certificate = try? context.pipeline.syncOperations.handler(type: NIOSSLHandler.self).peerCertificate
                let address = context.channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "unknown"
                log.connected(certificate ?? nil, from: address)
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            }
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// A child channel whose connections say who called (`CallerLog`).
struct CallerLoggingChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let log: CallerLog

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let tls = try channel.pipeline.syncOperations.handler(type: NIOSSLHandler.self)
            try channel.pipeline.syncOperations.addHandler(log.handler(), position: .after(tls))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
