import Crypto
import Logging
import NIOSSL
import ServiceLifecycle
import Synchronization
import UnixSignals
import ZweMessages

/// The identity a component serves with, read again from its stores on SIGHUP (after
/// `zwe certificate renew`). Each TLS handshake takes the current chain and key, so new
/// connections see a renewed certificate while established ones keep theirs and are not
/// dropped.
public final class IdentitySource: Sendable {
    /// The identity and what a handshake is given of it, made once per (re)load.
    private let box: Mutex<(identity: TLSIdentity, override: NIOSSLContextConfigurationOverride)>
    public let environment: ComponentEnvironment

    public init(_ identity: TLSIdentity, environment: ComponentEnvironment) {
        box = Mutex((identity, Self.override(identity)))
        self.environment = environment
    }

    public var current: TLSIdentity { box.withLock { $0.identity } }

    /// Reads the stores again; when they cannot be read, the identity in use stays.
    @discardableResult
    public func reload() throws(Diagnostic) -> TLSIdentity {
        let identity = try TLSIdentity.load(from: environment)
        let override = Self.override(identity)
        box.withLock { $0 = (identity, override) }
        return identity
    }

    /// For `TLSConfiguration.sslContextCallback` of a server: the current chain and key.
    public var handshakeOverride: NIOSSLContextCallback {
        { [self] _, promise in promise.succeed(box.withLock { $0.override }) }
    }

    private static func override(_ identity: TLSIdentity) -> NIOSSLContextConfigurationOverride {
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = identity.certificateChain.map { .certificate($0) }
        override.privateKey = .privateKey(identity.privateKey)
        return override
    }

    /// The SHA-256 fingerprint of a certificate, as openssl prints it (colon-separated hex).
    public static func fingerprint(_ certificate: NIOSSLCertificate) -> String {
        guard let der = try? certificate.toDERBytes() else { return "?" }
        return SHA256.hash(data: der).map { String(format: "%02X", $0) }.joined(separator: ":")
    }
}

/// Reloads the identity on every SIGHUP until the component stops.
public struct IdentityReloadService: Service {
    let source: IdentitySource
    let logger: Logger
    /// What else must take the new identity (the gateway's southbound TLS context).
    let onReload: @Sendable (TLSIdentity) throws(Diagnostic) -> Void

    public init(source: IdentitySource, logger: Logger, onReload: @escaping @Sendable (TLSIdentity) throws(Diagnostic) -> Void = { _ in }) {
        self.source = source
        self.logger = logger
        self.onReload = onReload
    }

    public func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let component = source.environment.componentID
        for await _ in hangups.cancelOnGracefulShutdown() {
            do {
                let identity = try source.reload()
                try onReload(identity)
                logger.info("\(Diagnostic(MessageCatalog.runtimeIdentityReloaded, ["component": component, "alias": identity.alias, "fingerprint": identity.certificateChain.first.map(IdentitySource.fingerprint) ?? "?"]))")
            } catch {
                logger.warning("\(Diagnostic(MessageCatalog.runtimeIdentityNotReloaded, ["component": component, "reason": error.description]))")
            }
        }
    }
}
