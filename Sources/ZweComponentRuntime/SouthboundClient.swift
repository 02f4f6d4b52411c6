import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import ZweKeyMaterial
import ZweMessages

/// Why a southbound request failed, in the words the gateway's error bodies and the logs use.
public struct SouthboundError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// The server's certificate does not chain to the truststore (or is expired).
        case tlsUntrusted
        /// The certificate chains, but is not for the host name or address in the URL (STRICT only).
        case tlsHostnameMismatch
        /// The server refused our client certificate, or wanted one and got none (DISABLED).
        case tlsClientCertificateRejected
        /// Another TLS failure: protocol version, cipher, a server that does not speak TLS.
        case tlsOther
        /// Nothing listens on the port (or a firewall rejects the connection).
        case connectionRefused
        /// The host name does not resolve.
        case unknownHost
        /// Connecting, the TLS handshake or the response took longer than allowed.
        case timeout
        /// The server closed the connection before the response was complete.
        case connectionClosed
        /// The URL cannot be requested (not https, no host).
        case invalidURL
        /// The response body was larger than the caller accepts.
        case responseTooLarge
        /// The caller's task was cancelled.
        case cancelled
        /// Anything else, with the library's description as reason.
        case other
    }

    public let kind: Kind
    /// What went wrong, for people: "connection refused", "the server's certificate ...".
    public let reason: String
    public let url: String

    public init(_ kind: Kind, reason: String, url: String) {
        self.kind = kind
        self.reason = reason
        self.url = url
    }

    /// Untrusted, host name, client certificate or other TLS failures.
    public var isTLSFailure: Bool {
        switch kind {
        case .tlsUntrusted, .tlsHostnameMismatch, .tlsClientCertificateRejected, .tlsOther: true
        default: false
        }
    }

    public var description: String { "\(url): \(reason)" }
}

/// A response with its whole body.
public struct SouthboundResponse: Sendable {
    public let status: Int
    /// In the order received; names as the server spelled them.
    public let headers: [(name: String, value: String)]
    public let body: ByteBuffer

    public init(status: Int, headers: [(name: String, value: String)], body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var text: String { String(buffer: body) }
    public var bytes: [UInt8] { Array(body.readableBytesView) }

    /// The first value of a header, compared without case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// HTTPS requests to other services (southbound) as Zowe makes them: the instance truststore
/// checks servers in the verify mode of the instance (STRICT: chain and host name; NONSTRICT:
/// chain; DISABLED: nothing), the Zowe certificate is presented as client certificate (not in
/// DISABLED), TCP_NODELAY is set and connections are kept alive in a pool per host.
///
/// A connection that cannot be made fails its requests at once with the reason (no retries
/// inside: a caller such as the gateway retries on the next instance, the Eureka client with
/// its own backoff). Call `shutdown()` when done, or run `service` in the component's service
/// group, which shuts the client down after the services listed after it have stopped: a pool
/// left open delays the exit of the process.
public final class SouthboundClient: Sendable {
    public let mode: VerifyMode
    /// The AsyncHTTPClient underneath, for callers that stream bodies.
    public let httpClient: HTTPClient
    /// Applies to a request that names no timeout: connect, TLS handshake and the whole response.
    public let defaultTimeout: Duration
    let logger: Logger

    /// - Parameters:
    ///   - identity: the component's key, certificate chain and trust roots.
    ///   - mode: the instance's verify mode (`ComponentEnvironment.verifyMode`).
    ///   - timeout: the default time a request may take, from connecting to the last body byte.
    ///   - connectTimeout: connecting and the TLS handshake; at most `timeout`.
    public init(
        identity: TLSIdentity, mode: VerifyMode, timeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(5), idleTimeout: Duration = .seconds(60),
        connectionsPerHost: Int = 8, logger: Logger
    ) throws(Diagnostic) {
        self.mode = mode
        self.defaultTimeout = timeout
        // AsyncHTTPClient says several debug lines per request: shown only when tracing.
        var quiet = logger
        if quiet.logLevel > .trace { quiet.logLevel = max(quiet.logLevel, .warning) }
        self.logger = quiet
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: try identity.clientConfiguration(mode: mode),
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(min(connectTimeout, timeout)), read: .init(timeout)),
            ignoreUncleanSSLShutdown: false)
        configuration.httpVersion = .http1Only
        configuration.decompression = .disabled
        configuration.connectionPool.idleTimeout = .init(idleTimeout)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionsPerHost
        // A failed connection fails the waiting requests with its own error at once, instead of
        // being retried in the background until the connect timeout hides why.
        configuration.connectionPool.retryConnectionEstablishment = false
        // NIO's ClientBootstrap sets TCP_NODELAY already; said again here because the ~40 ms
        // stall of Nagle plus delayed ACK on client-certificate handshakes must not come back
        // with a change of library.
        configuration.http1_1ConnectionDebugInitializer = { channel in
            channel.setOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
        }
        httpClient = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }

    /// A request and its whole response; any status is a response, only failures to get one throw.
    /// - Parameters:
    ///   - method: e.g. "GET", "POST".
    ///   - url: an https URL.
    ///   - maxBodyBytes: a longer body fails with `.responseTooLarge`.
    public func request(
        _ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        timeout: Duration? = nil, maxBodyBytes: Int = 16 * 1024 * 1024
    ) async throws(SouthboundError) -> SouthboundResponse {
        guard let components = URLComponents(string: url), components.scheme?.lowercased() == "https",
              let host = components.host, !host.isEmpty else {
            throw SouthboundError(.invalidURL, reason: "not an https URL with a host", url: url)
        }
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method.uppercased())
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let limit = timeout ?? defaultTimeout
        let deadline = NIODeadline.now() + .init(limit)
        do {
            let response = try await httpClient.execute(request, deadline: deadline, logger: logger)
            let collected = try await response.body.collect(upTo: maxBodyBytes)
            return SouthboundResponse(
                status: Int(response.status.code),
                headers: response.headers.map { (name: $0.name, value: $0.value) },
                body: collected)
        } catch {
            throw Self.classify(error, url: url, host: host, timeout: limit)
        }
    }

    /// Closes the pooled connections; waits until they are closed.
    public func shutdown() async {
        do {
            try await httpClient.shutdown().get()
        } catch {
            // Already shut down: nothing left to close.
        }
    }

    /// Runs until the service group shuts down gracefully (or is cancelled), then shuts the
    /// client down. List it before the services that use the client: a group stops services
    /// last to first.
    public var service: some Service { ShutdownService(client: self) }

    struct ShutdownService: Service {
        let client: SouthboundClient

        func run() async throws {
            // Cancellation and a graceful shutdown both end the wait; either way the pool closes.
            try? await gracefulShutdown()
            await client.shutdown()
        }
    }

    // MARK: - Why it failed

    /// Turns what AsyncHTTPClient, NIO and NIOSSL throw into a kind and a reason.
    public static func classify(_ error: any Error, url: String, host: String, timeout: Duration) -> SouthboundError {
        if let error = error as? SouthboundError { return error }
        func make(_ kind: SouthboundError.Kind, _ reason: String) -> SouthboundError {
            SouthboundError(kind, reason: reason, url: url)
        }
        let seconds = Self.seconds(timeout)
        if error is CancellationError { return make(.cancelled, "the request was cancelled") }
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return make(.timeout, "connecting to \(host) timed out")
            case .tlsHandshakeTimeout: return make(.timeout, "the TLS handshake with \(host) timed out")
            case .readTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout:
                return make(.timeout, "no complete response within \(seconds) s")
            case .remoteConnectionClosed:
                return make(.connectionClosed, "the server closed the connection before the response was complete")
            case .cancelled: return make(.cancelled, "the request was cancelled")
            case .invalidURL, .emptyHost, .emptyScheme:
                return make(.invalidURL, "not an https URL with a host")
            case .alreadyShutdown: return make(.cancelled, "the client is shut down (the component is stopping)")
            default: return make(.other, "\(client)")
            }
        }
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return make(.tlsHostnameMismatch,
                        "the server's certificate is not valid for the host name '\(host)' (verify mode STRICT checks it)")
        }
        if let ssl = error as? NIOSSLError {
            switch ssl {
            case .handshakeFailed(let boring):
                return tls(boringText: "\(boring)", url: url)
            case .uncleanShutdown:
                return make(.connectionClosed, "the server closed the TLS connection without closing TLS first")
            default:
                return make(.tlsOther, "TLS failed: \(ssl)")
            }
        }
        if let boring = error as? BoringSSLError {
            return tls(boringText: "\(boring)", url: url)
        }
        if let connection = error as? NIOConnectionError {
            let errors = connection.connectionErrors.map(\.error)
            if errors.contains(where: { ($0 as? IOError)?.errnoCode == ECONNREFUSED }) {
                return make(.connectionRefused, "connection refused by \(host):\(connection.port)")
            }
            if errors.isEmpty, connection.dnsAError != nil || connection.dnsAAAAError != nil {
                return make(.unknownHost, "the host name \(host) does not resolve")
            }
            if let first = errors.first {
                return classify(first, url: url, host: host, timeout: timeout)
            }
            return make(.other, "cannot connect to \(host):\(connection.port)")
        }
        if let channel = error as? ChannelError {
            switch channel {
            case .connectTimeout: return make(.timeout, "connecting to \(host) timed out")
            case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed, .inputClosed:
                return make(.connectionClosed, "the server closed the connection before the response was complete")
            default: return make(.other, "\(channel)")
            }
        }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return make(.connectionRefused, "connection refused by \(host)")
            case ETIMEDOUT: return make(.timeout, "connecting to \(host) timed out")
            case ECONNRESET, EPIPE:
                return make(.connectionClosed, "the server reset the connection")
            case EHOSTUNREACH, ENETUNREACH:
                return make(.other, "\(host) cannot be reached: \(String(cString: strerror(io.errnoCode)))")
            default: return make(.other, String(cString: strerror(io.errnoCode)))
            }
        }
        if error is NIOTooManyBytesError {
            return make(.responseTooLarge, "the response body is larger than the caller accepts")
        }
        return make(.other, "\(error)")
    }

    /// BoringSSL names the failure in its error stack; the certificate checks fail with
    /// CERTIFICATE_VERIFY_FAILED on our side, or with an alert from a server that refused ours.
    private static func tls(boringText text: String, url: String) -> SouthboundError {
        let upper = text.uppercased()
        if upper.contains("CERTIFICATE_VERIFY_FAILED") {
            return SouthboundError(.tlsUntrusted, reason: "the server's certificate is not trusted: it does not chain to a certificate in the truststore, or it is expired or not yet valid", url: url)
        }
        for alert in ["ALERT_UNKNOWN_CA", "ALERT_BAD_CERTIFICATE", "ALERT_CERTIFICATE_REQUIRED", "ALERT_HANDSHAKE_FAILURE",
                      "ALERT_CERTIFICATE_UNKNOWN", "ALERT_UNSUPPORTED_CERTIFICATE", "ALERT_ACCESS_DENIED"] where upper.contains(alert) {
            return SouthboundError(.tlsClientCertificateRejected, reason: "the server refused the TLS handshake (\(alert.lowercased())): it requires a client certificate it trusts", url: url)
        }
        if upper.contains("WRONG_VERSION_NUMBER") || upper.contains("PACKET_LENGTH_TOO_LONG") || upper.contains("HTTP_REQUEST") {
            return SouthboundError(.tlsOther, reason: "the server does not speak TLS on this port", url: url)
        }
        return SouthboundError(.tlsOther, reason: "the TLS handshake failed: \(text)", url: url)
    }

    private static func seconds(_ duration: Duration) -> String {
        let (whole, atto) = duration.components
        let tenths = atto / 100_000_000_000_000_000
        return tenths == 0 ? "\(whole)" : "\(whole).\(tenths)"
    }
}
