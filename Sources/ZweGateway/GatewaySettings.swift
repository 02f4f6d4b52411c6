import NIOCore
import Foundation
import ZweComponentRuntime
import ZweMessages

/// Who checks a login's user name and password.
enum AuthenticationProvider: Sendable, Equatable {
    /// `POST /zosmf/services/authenticate` on z/OSMF, southbound.
    case zosmf(host: String, port: Int)
    /// A users file: one `user:password` or `user:{SHA256}hex` per line.
    case file(path: String)

    var name: String {
        switch self {
        case .zosmf: "zosmf"
        case .file: "file"
        }
    }
}

/// What the gateway reads from its environment beyond what every component reads.
struct GatewaySettings: Sendable {
    /// APIML_GATEWAY_TIMEOUT_MILLIS: connect plus the whole response of one southbound request.
    var timeout: Duration
    /// The same, as configured, for messages.
    var timeoutMilliseconds: Int64 {
        timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
    }
    /// The same, for NIO's timers.
    var timeoutAmount: TimeAmount { .milliseconds(timeoutMilliseconds) }
    /// ZWE_GATEWAY_CONNECT_TIMEOUT_MILLIS: connecting to an instance and the TLS handshake
    /// (default 10 s, at most the timeout). An instance whose host is cut off holds a request
    /// this long before the next instance is tried.
    var connectTimeout: Duration
    /// How often the registry's delta is asked for (ZWE_GATEWAY_REGISTRY_REFRESH_SECONDS, default 1).
    var registryRefresh: Duration
    /// ZWE_GATEWAY_MAX_CONNECTIONS, _HANDSHAKE_TIMEOUT, _HEADER_TIMEOUT, _KEEPALIVE_TIMEOUT,
    /// _MAX_HEADER_BYTES, _MAX_HEADER_LINE_BYTES and _MAX_BODY_BYTES (default 64 MiB).
    var limits: ConnectionLimits
    /// ZWE_GATEWAY_MAX_BODY_BYTES: the largest request body passed on.
    var maxBodyBytes: Int { limits.maxBodyBytes }
    /// ZWE_GATEWAY_TOKEN_SECONDS: how long an apimlAuthenticationToken is valid (default 8 hours).
    var tokenLifetime: Duration
    var provider: AuthenticationProvider
    var discovery: EurekaClientConfiguration

    static func read(component: String, environment: [String: String]) throws(Diagnostic) -> GatewaySettings {
        func optional(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func number(_ name: String, _ range: ClosedRange<Double>, expected: String) throws(Diagnostic) -> Double? {
            guard let text = optional(name) else { return nil }
            guard let value = Double(text), range.contains(value) else {
                throw Diagnostic(MessageCatalog.runtimeVariableInvalid, [
                    "component": component, "name": name, "value": text, "expected": expected,
                ])
            }
            return value
        }
        let timeoutMillis = try number("APIML_GATEWAY_TIMEOUT_MILLIS", 1...86_400_000,
                                       expected: "milliseconds from 1 to 86400000") ?? 600_000
        let connectMillis = try number("ZWE_GATEWAY_CONNECT_TIMEOUT_MILLIS", 1...86_400_000,
                                       expected: "milliseconds from 1 to 86400000") ?? 10_000
        let refresh = try number("ZWE_GATEWAY_REGISTRY_REFRESH_SECONDS", 0.05...300,
                                 expected: "a number of seconds from 0.05 to 300") ?? 1
        let limits = try ConnectionLimits.read(prefix: "ZWE_GATEWAY", component: component,
                                               defaultMaxBodyBytes: 64 * 1024 * 1024, environment: environment)
        let tokenSeconds = try number("ZWE_GATEWAY_TOKEN_SECONDS", 1...31_536_000,
                                      expected: "a number of seconds from 1 to 31536000") ?? 8 * 3600

        let zosmfHost = optional("ZOSMF_HOST")
        let providerName = optional("APIML_SECURITY_AUTH_PROVIDER")?.lowercased() ?? (zosmfHost == nil ? "file" : "zosmf")
        let provider: AuthenticationProvider
        switch providerName {
        case "zosmf":
            guard let host = zosmfHost else {
                throw Diagnostic(MessageCatalog.runtimeVariableMissing, ["component": component, "name": "ZOSMF_HOST"])
            }
            let portText = optional("ZOSMF_PORT") ?? "443"
            guard let port = Int(portText), (1...65_535).contains(port) else {
                throw Diagnostic(MessageCatalog.runtimeVariableInvalid, [
                    "component": component, "name": "ZOSMF_PORT", "value": portText, "expected": "a port number from 1 to 65535",
                ])
            }
            provider = .zosmf(host: host, port: port)
        case "file":
            let path = optional("ZWE_USERS_FILE")
                ?? optional("INSTANCE_DIR").map { $0 + "/users" }
                ?? "users"
            provider = .file(path: path)
        default:
            throw Diagnostic(MessageCatalog.gatewayAuthProviderInvalid, ["value": providerName])
        }
        return GatewaySettings(
            timeout: .milliseconds(Int64(timeoutMillis)),
            connectTimeout: .milliseconds(Int64(min(connectMillis, timeoutMillis))),
            registryRefresh: .milliseconds(Int64((refresh * 1000).rounded())),
            limits: limits, tokenLifetime: .seconds(Int64(tokenSeconds)),
            provider: provider,
            discovery: try EurekaClientConfiguration.read(component: component, environment: environment))
    }
}
