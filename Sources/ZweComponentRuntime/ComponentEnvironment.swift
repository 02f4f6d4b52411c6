// ZweComponentRuntime owns the component runtime: a component's TLS server identity and trust
// built only from the environment the launcher injects, the HTTPS server with
// /application/health, graceful SIGTERM, request logging; every Zowe component runs on it.
// A component program names its id and port variable, adds its routes to the router, and
// hands over to `ComponentMain`; everything a component must do the same way lives here, so
// that every component starts, logs, answers health checks and stops alike.

import Foundation
import ZweKeyMaterial
import ZweKeyring
import ZweMessages

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
    /// KEYSTORE, TRUSTSTORE and KEY_ALIAS, opened through ZweKeyMaterial as the launcher and
    /// the validation open them.
    public var stores: KeyMaterialStores
    /// Secret.
    public var keystorePassword: String
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
    /// Started from a zowe.yaml (ZWE_zowe_certificate_keystore_file is set): as in Zowe v2,
    /// the keystore need not hold a `jwtsecret` entry, and tokens are signed with KEY_ALIAS's key.
    public var signsWithKeyAlias = false

    /// The body limit of a component when ZWE_COMPONENT_MAX_BODY_BYTES is not set: the most
    /// any of them reads of a request body.
    public static let defaultMaxBodyBytes = 16 * 1024 * 1024

    public init(
        componentID: String, jobName: String, stores: KeyMaterialStores, keystorePassword: String,
        verifyMode: VerifyMode, bindAddress: String, portVariable: String, port: Int,
        logLevel: ComponentLogLevel, workspaceDirectory: String? = nil,
        limits: ConnectionLimits = ConnectionLimits(prefix: "ZWE_COMPONENT", maxBodyBytes: defaultMaxBodyBytes)
    ) {
        self.componentID = componentID
        self.jobName = jobName
        self.stores = stores
        self.keystorePassword = keystorePassword
        self.verifyMode = verifyMode
        self.bindAddress = bindAddress
        self.portVariable = portVariable
        self.port = port
        self.logLevel = logLevel
        self.workspaceDirectory = workspaceDirectory
        self.limits = limits
    }

    /// KEYSTORE as the environment gives it.
    public var keystore: String { stores.keystore.description }
    public var truststore: String { stores.truststore.description }
    public var keyAlias: String { stores.keyAlias }

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

        let type = try required(CertificateVariable.keystoreType.name)
        let keystoreText = try required(CertificateVariable.keystore.name)
        let keyring = KeyringName.isKeyring(keystoreText)
        let typeFits = keyring ? CertificateVariable.keyringTypes.contains(type.uppercased()) : type.uppercased() == "PKCS12"
        guard typeFits else {
            throw Diagnostic(MessageCatalog.runtimeKeystoreTypeUnsupported, ["component": componentID, "value": type, "keystore": keystoreText])
        }
        let safDirectory = optional(CertificateVariable.safDirectory.name)
        guard let keystore = StoreReference(keystoreText, safDirectory: safDirectory) else {
            throw invalid(CertificateVariable.keystore.name, keystoreText, "a key ring named safkeyring:////OWNER/RING")
        }
        if keyring, safDirectory == nil {
            throw Diagnostic(MessageCatalog.runtimeVariableMissing, ["component": componentID, "name": CertificateVariable.safDirectory.name])
        }
        // The password is taken as given: leading or trailing blanks may be part of it. A key
        // ring has none (SAF decides who may read it); Zowe's files still set one.
        let password = environment[.keystorePassword] ?? ""
        if !keyring && password.isEmpty {
            throw Diagnostic(MessageCatalog.runtimeVariableMissing, ["component": componentID, "name": CertificateVariable.keystorePassword.name])
        }
        let alias = try required(CertificateVariable.keyAlias.name)
        let truststoreText = try required(CertificateVariable.truststore.name)
        guard let truststore = StoreReference(truststoreText, safDirectory: safDirectory) else {
            throw invalid(CertificateVariable.truststore.name, truststoreText, "a key ring named safkeyring:////OWNER/RING")
        }

        // NONSTRICT_VERIFY_CERTIFICATES only matters when VERIFY_CERTIFICATES is false, but a
        // value that is there must still be a boolean: a typo should not hide until it counts.
        let verify = try boolean(CertificateVariable.verifyCertificates.name)
        let nonStrictName = CertificateVariable.nonStrictVerifyCertificates.name
        let nonStrict = optional(nonStrictName) == nil && verify ? false : try boolean(nonStrictName)

        var read = ComponentEnvironment(
            componentID: componentID,
            jobName: optional("ZWE_JOB_NAME") ?? componentID,
            stores: KeyMaterialStores(keystore: keystore, truststore: truststore, keyAlias: alias),
            keystorePassword: password, verifyMode: VerifyMode(verify: verify, nonStrict: nonStrict),
            bindAddress: bindAddress, portVariable: portVariable, port: port,
            logLevel: logLevel, workspaceDirectory: optional("WORKSPACE_DIR"),
            limits: try ConnectionLimits.read(prefix: "ZWE_COMPONENT", component: componentID,
                                              defaultMaxBodyBytes: defaultMaxBodyBytes, environment: environment))
        read.signsWithKeyAlias = optional("ZWE_zowe_certificate_keystore_file") != nil
        return read
    }

    /// The address as it is written in a URL (IPv6 in brackets).
    public var urlHost: String {
        bindAddress.contains(":") ? "[\(bindAddress)]" : bindAddress
    }
}
