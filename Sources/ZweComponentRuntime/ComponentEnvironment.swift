// ZweComponentRuntime owns the component runtime: a component's TLS server identity and trust
// built only from the environment the launcher injects, the HTTPS server with
// /application/health, graceful SIGTERM, request logging; every Zowe component runs on it.
// A component program names its id and port variable, adds its routes to the router, and
// hands over to `ComponentMain`; everything a component must do the same way lives here, so
// that every component starts, logs, answers health checks and stops alike.

import Foundation
import ZweKeyring
import ZweMessages

/// How a component checks the servers it calls (southbound), from VERIFY_CERTIFICATES and
/// NONSTRICT_VERIFY_CERTIFICATES as Zowe v1 reads them.
public enum VerifyMode: String, Sendable, Equatable, CaseIterable {
    /// Chain and host name checked; the Zowe certificate is presented as client certificate.
    case strict = "STRICT"
    /// Chain checked, host name not; the Zowe certificate is presented.
    case nonStrict = "NONSTRICT"
    /// Nothing checked and no client certificate sent.
    case disabled = "DISABLED"
}

/// The log levels ZWE_LOG_LEVEL_ZWELS selects from.
public enum ComponentLogLevel: String, Sendable, Equatable, Comparable {
    case trace = "TRACE"
    case debug = "DEBUG"
    case info = "INFO"
    case warn = "WARN"
    case error = "ERROR"

    private var rank: Int {
        switch self {
        case .trace: 0
        case .debug: 1
        case .info: 2
        case .warn: 3
        case .error: 4
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// Everything a component reads from its environment, checked once at start-up so that a
/// wrong value stops it with a message naming the variable instead of failing later.
public struct ComponentEnvironment: Sendable, Equatable {
    public var componentID: String
    public var jobName: String
    public var keystore: String
    public var keystorePassword: String
    public var keyAlias: String
    public var truststore: String
    /// ZWE_SAF_DIR: the simulated SAF database a `safkeyring://` store is read from.
    public var safDirectory: String?
    public var verifyMode: VerifyMode
    public var bindAddress: String
    public var portVariable: String
    public var port: Int
    public var logLevel: ComponentLogLevel
    /// WORKSPACE_DIR: the instance's workspace, where instance-wide state (the tokens ended by
    /// a logout) lives.
    public var workspaceDirectory: String?
    /// ZWE_COMPONENT_*: what one client may hold of the component's HTTPS server (the gateway
    /// reads its own ZWE_GATEWAY_* instead).
    public var limits: ConnectionLimits

    /// The body limit of a component when ZWE_COMPONENT_MAX_BODY_BYTES is not set: the most
    /// any of them reads of a request body.
    public static let defaultMaxBodyBytes = 16 * 1024 * 1024

    public init(
        componentID: String, jobName: String, keystore: String, keystorePassword: String, keyAlias: String,
        truststore: String, verifyMode: VerifyMode, bindAddress: String, portVariable: String, port: Int,
        logLevel: ComponentLogLevel, safDirectory: String? = nil, workspaceDirectory: String? = nil,
        limits: ConnectionLimits = ConnectionLimits(prefix: "ZWE_COMPONENT", maxBodyBytes: defaultMaxBodyBytes)
    ) {
        self.componentID = componentID
        self.jobName = jobName
        self.keystore = keystore
        self.keystorePassword = keystorePassword
        self.keyAlias = keyAlias
        self.truststore = truststore
        self.safDirectory = safDirectory
        self.verifyMode = verifyMode
        self.bindAddress = bindAddress
        self.portVariable = portVariable
        self.port = port
        self.logLevel = logLevel
        self.workspaceDirectory = workspaceDirectory
        self.limits = limits
    }

    /// Reads the environment of a component.
    /// - Parameters:
    ///   - component: the id the program runs as; ZWE_COMPONENT_ID, when set, names it in logs.
    ///   - portVariable: the variable holding this component's port, e.g. GATEWAY_PORT.
    ///   - environment: the process environment; tests pass their own.
    public static func read(
        component: String, portVariable: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Diagnostic) -> ComponentEnvironment {
        func optional(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        let componentID = optional("ZWE_COMPONENT_ID") ?? component

        func required(_ name: String) throws(Diagnostic) -> String {
            guard let value = optional(name) else {
                throw Diagnostic(MessageCatalog.runtimeVariableMissing, ["component": componentID, "name": name])
            }
            return value
        }
        func invalid(_ name: String, _ value: String, _ expected: String) -> Diagnostic {
            Diagnostic(MessageCatalog.runtimeVariableInvalid,
                       ["component": componentID, "name": name, "value": value, "expected": expected])
        }
        func boolean(_ name: String) throws(Diagnostic) -> Bool {
            let text = try required(name)
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: throw invalid(name, text, "true or false")
            }
        }

        // The log level comes first: it decides how much the rest of start-up may say.
        var logLevel = ComponentLogLevel.info
        if let text = optional("ZWE_LOG_LEVEL_ZWELS") {
            guard let level = ComponentLogLevel(rawValue: text.uppercased()) else {
                throw invalid("ZWE_LOG_LEVEL_ZWELS", text, "one of TRACE, DEBUG, INFO, WARN, ERROR")
            }
            logLevel = level
        }

        let portText = try required(portVariable)
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw invalid(portVariable, portText, "a port number from 1 to 65535")
        }
        let bindAddress = optional("ZWE_BIND_ADDRESS") ?? "127.0.0.1"
        if bindAddress.contains(where: { $0 == " " || $0 == "/" }) {
            throw invalid("ZWE_BIND_ADDRESS", bindAddress, "an IP address or host name of this system")
        }

        let type = try required("KEYSTORE_TYPE")
        let keystore = try required("KEYSTORE")
        let keyring = KeyringName.isKeyring(keystore)
        let typeFits = keyring ? ["JCERACFKS", "JCECCARACFKS", "JCEHYBRIDRACFKS"].contains(type.uppercased()) : type.uppercased() == "PKCS12"
        guard typeFits else {
            throw Diagnostic(MessageCatalog.runtimeKeystoreTypeUnsupported, ["component": componentID, "value": type, "keystore": keystore])
        }
        if keyring, KeyringName(keystore) == nil {
            throw invalid("KEYSTORE", keystore, "a key ring named safkeyring:////OWNER/RING")
        }
        let safDirectory = optional("ZWE_SAF_DIR")
        if keyring, safDirectory == nil {
            throw Diagnostic(MessageCatalog.runtimeVariableMissing, ["component": componentID, "name": "ZWE_SAF_DIR"])
        }
        // The password is taken as given: leading or trailing blanks may be part of it. A key
        // ring has none (SAF decides who may read it); Zowe's files still set one.
        let password = environment["KEYSTORE_PASSWORD"] ?? ""
        if !keyring && password.isEmpty {
            throw Diagnostic(MessageCatalog.runtimeVariableMissing, ["component": componentID, "name": "KEYSTORE_PASSWORD"])
        }
        let alias = try required("KEY_ALIAS")
        let truststore = try required("TRUSTSTORE")

        // NONSTRICT_VERIFY_CERTIFICATES only matters when VERIFY_CERTIFICATES is false, but a
        // value that is there must still be a boolean: a typo should not hide until it counts.
        let verify = try boolean("VERIFY_CERTIFICATES")
        let nonStrict: Bool? = optional("NONSTRICT_VERIFY_CERTIFICATES") == nil && verify
            ? nil : try boolean("NONSTRICT_VERIFY_CERTIFICATES")
        let mode: VerifyMode = verify ? .strict : (nonStrict == true ? .nonStrict : .disabled)

        return ComponentEnvironment(
            componentID: componentID,
            jobName: optional("ZWE_JOB_NAME") ?? componentID,
            keystore: keystore, keystorePassword: password, keyAlias: alias, truststore: truststore,
            verifyMode: mode, bindAddress: bindAddress, portVariable: portVariable, port: port,
            logLevel: logLevel, safDirectory: safDirectory, workspaceDirectory: optional("WORKSPACE_DIR"),
            limits: try ConnectionLimits.read(prefix: "ZWE_COMPONENT", component: componentID,
                                              defaultMaxBodyBytes: defaultMaxBodyBytes, environment: environment))
    }

    /// The address as it is written in a URL (IPv6 in brackets).
    public var urlHost: String {
        bindAddress.contains(":") ? "[\(bindAddress)]" : bindAddress
    }
}
