// What `zwe init certificate -c zowe.yaml` reads: zowe.setup.certificate (type, dname,
// validity, san, importCertificateAuthorities, pkcs12.* or keyring.*), zowe.externalDomains,
// zowe.verifyCertificates, zOSMF.host/port and zowe.setup.security, with Zowe v2's defaults,
// checked in one pass. Every finding names the key and the file:line:col it is about.

import Foundation
import ZweConfiguration
import ZweKeyMaterial
import ZweKeyring
import ZweMessages

public struct ZoweYAMLSetupSettings: Sendable {
    /// What the stores and the PEM files are made with; `base.alias` is the key entry's alias.
    public var base: SetupSettings
    public var store: Store
    public var names: CertificateNames
    /// importCertificateAuthorities: PEM or DER files, trusted as extca1, extca2, ...
    public var authorities: [String]
    /// The first file given with -c: --update-config writes into it.
    public var configFile: String
    /// Where the keystore password came from, which decides how zowe.certificate names it.
    public var passwordSource: PasswordOrigin

    public enum PasswordOrigin: Sendable, Equatable {
        /// zowe.setup.certificate.pkcs12.password
        case configuration
        /// Nothing set: Zowe's default, `password`.
        case defaultValue
        /// --password-file or ZWE_KEYSTORE_PASSWORD.
        case outside
    }

    public enum Store: Sendable, Equatable {
        case pkcs12(PKCS12)
        case keyring(Keyring)
    }

    public struct PKCS12: Sendable, Equatable {
        public var layout: KeystoreLayoutV2
        public var caPassword: String
        /// pkcs12.import: a keystore whose key entry becomes the Zowe certificate (no local CA).
        public var importing: Import?
    }

    public struct Import: Sendable, Equatable {
        public var keystore: String
        public var password: String
        public var alias: String
    }

    public struct Keyring: Sendable, Equatable {
        public var owner: String
        public var name: String
        public var label: String
        public var caLabel: String
        public var safDirectory: String

        /// `safkeyring:////OWNER/RING`, as Zowe names a key ring in zowe.certificate.
        public var reference: String { "safkeyring:////\(owner)/\(name)" }
    }

    public static let defaultCAAlias = "local_ca"
    public static let defaultCAPassword = "local_ca_password"
    public static let defaultName = "localhost"
    public static let defaultPassword = "password"

    /// - Parameters:
    ///   - password: from --password-file or ZWE_KEYSTORE_PASSWORD, which win over the file.
    public static func read(
        _ config: ZoweConfig, password: String?, environment: [String: String], workingDirectory: String
    ) throws(Diagnostics) -> ZoweYAMLSetupSettings {
        var problems: [Diagnostic] = []
        let setup = ConfigPath("zowe.setup.certificate")
        func key(_ name: String) -> ConfigPath { ConfigPath("zowe.setup.certificate." + name) }
        func missing(_ what: String, _ path: ConfigPath) {
            problems.append(Diagnostic(MessageCatalog.setupValueMissing, ["what": what, "key": path.description], location: config.location(path)))
        }
        func invalid(_ what: String, _ path: ConfigPath, _ valid: String) {
            problems.append(Diagnostic(MessageCatalog.setupValueInvalid, ["what": what, "key": path.description, "valid": valid], location: config.location(path)))
        }
        func text(_ path: ConfigPath, _ fallback: String) -> String { config.string(path) ?? fallback }
        func wrongType(_ path: ConfigPath, expected: String, accept: (ConfigNode) -> Bool) {
            if let node = config.node(path), !node.isNull, !accept(node) {
                problems.append(Diagnostic(MessageCatalog.configValueWrongType, [
                    "key": path.description, "expected": expected, "actual": node.typeName,
                ], location: node.location.description))
            }
        }
        wrongType(setup, expected: "an object") { $0.entries != nil }
        for list in ["san", "importCertificateAuthorities"] {
            wrongType(key(list), expected: "an array of strings") { $0.items != nil || $0.text != nil }
        }

        // Names and validity
        let defaults = ZoweNames.defaultNames
        let names = CertificateNames(
            caCommonName: text(key("dname.caCommonName"), defaults.caCommonName),
            commonName: text(key("dname.commonName"), defaults.commonName),
            orgUnit: text(key("dname.orgUnit"), defaults.orgUnit), org: text(key("dname.org"), defaults.org),
            locality: text(key("dname.locality"), defaults.locality), state: text(key("dname.state"), defaults.state),
            country: text(key("dname.country"), defaults.country))
        if names.country.count != 2 || !names.country.allSatisfy({ $0.isASCII && $0.isLetter }) {
            invalid("certificate country", key("dname.country"), "two-letter country codes (ISO 3166, such as CZ or US)")
        }
        var days = 3650
        if let validity = config.string(key("validity")) {
            if let parsed = Int(validity), (1...36_500).contains(parsed) { days = parsed } else {
                invalid("certificate validity", key("validity"), "a number of days from 1 to 36500")
            }
        }
        var algorithm = KeyAlgorithm.default
        if let setting = config.string(key("keyAlgorithm")) {
            if let parsed = KeyAlgorithm(setting: setting) { algorithm = parsed } else {
                invalid("key algorithm", key("keyAlgorithm"), "RSA-2048, RSA-3072, RSA-4096 or EC-P256")
            }
        }

        // SAN: zowe.setup.certificate.san, else zowe.externalDomains; addresses become IP entries.
        let sanPath = config.node(key("san")).map { _ in key("san") } ?? ConfigPath("zowe.externalDomains")
        var hostnames: [String] = []
        var addresses: [String] = []
        for entry in config.strings(sanPath).map({ $0.lowercased() }) {
            if IPAddressText.isAddress(entry) {
                addresses.append(entry)
            } else if SetupSettings.isValidHostName(entry) {
                hostnames.append(entry)
            } else {
                invalid("certificate domain '\(entry)'", sanPath, "host names (a wildcard only as the first label) and IP addresses")
            }
        }
        if hostnames.isEmpty { hostnames = ["localhost"] }
        if addresses.isEmpty { addresses = ["127.0.0.1"] }
        let authorities = config.strings(key("importCertificateAuthorities")).map { SetupSettings.absolute($0, workingDirectory) }

        // Verify mode and z/OSMF
        let verifyPath = ConfigPath("zowe.verifyCertificates")
        var mode = VerifyMode.strict
        if let setting = config.string(verifyPath) {
            if let parsed = VerifyMode(rawValue: setting.uppercased()) { mode = parsed } else {
                invalid("certificate verification", verifyPath, "STRICT, NONSTRICT or DISABLED")
            }
        }
        var endpoint: SetupSettings.ZosmfEndpoint?
        if let host = config.string("zOSMF.host") {
            let bare = SetupSettings.ZosmfEndpoint.bare(host).lowercased()
            let hostValid = IPAddressText.isAddress(bare) || (SetupSettings.isValidHostName(bare) && !bare.hasPrefix("*"))
            if !hostValid { invalid("z/OSMF host", "zOSMF.host", "a host name or an IP address") }
            let portText = config.string("zOSMF.port") ?? "443"
            let port = Int(portText).flatMap { (1...65_535).contains($0) ? $0 : nil }
            if port == nil { invalid("z/OSMF port", "zOSMF.port", "a port number from 1 to 65535") }
            if hostValid, let port { endpoint = SetupSettings.ZosmfEndpoint(host: bare, port: port) }
        }
        let user = text("zowe.setup.security.users.zowe", "ZWESVUSR")
        let group = text("zowe.setup.security.groups.admin", "ZWEADMIN")

        // The store
        let type = config.string(key("type"))
        var store: Store?
        var keystoreDirectory = ""
        var alias = defaultName
        var keystorePassword = password ?? defaultPassword
        var origin = password == nil ? PasswordOrigin.defaultValue : .outside
        var lock = true
        var external: SetupSettings.External?
        var keyring: SetupSettings.Keyring?
        switch type?.uppercased() {
        case nil:
            missing("Certificate type", key("type"))
        case "PKCS12":
            let pkcs12 = key("pkcs12")
            wrongType(pkcs12, expected: "an object") { $0.entries != nil }
            let directory = config.string(key("pkcs12.directory")).map { SetupSettings.absolute($0, workingDirectory) }
            if directory == nil { missing("Keystore directory", key("pkcs12.directory")) }
            let name = text(key("pkcs12.name"), defaultName)
            let caAlias = text(key("pkcs12.caAlias"), defaultCAAlias)
            for (value, path, what) in [(name, key("pkcs12.name"), "keystore name"), (caAlias, key("pkcs12.caAlias"), "certificate authority alias")]
            where !isValidStoreName(value) {
                invalid(what, path, "names of letters, digits, '.', '_' and '-', up to 64, not starting with '.'")
            }
            if name.lowercased() == caAlias.lowercased() {
                invalid("keystore name", key("pkcs12.name"), "names other than the certificate authority alias (pkcs12.caAlias)")
            }
            if password == nil, let fromFile = config.string(key("pkcs12.password")) {
                keystorePassword = fromFile
                origin = .configuration
            }
            let caPassword = text(key("pkcs12.caPassword"), defaultCAPassword)
            if [keystorePassword, caPassword].contains(where: { $0.contains(where: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) }) {
                problems.append(Diagnostic(MessageCatalog.passwordHasNewline, location: config.location(key("pkcs12"))))
            }
            if let flag = config.node(key("pkcs12.lock")), !flag.isNull {
                switch config.bool(key("pkcs12.lock")) {
                case let value?: lock = value
                case nil: invalid("keystore lock", key("pkcs12.lock"), "true or false")
                }
            }
            var importing: Import?
            if let source = config.string(key("pkcs12.import.keystore")) {
                let importPassword = config.string(key("pkcs12.import.password"))
                let importAlias = config.string(key("pkcs12.import.alias"))
                if importPassword == nil { missing("Password for import keystore", key("pkcs12.import.password")) }
                if importAlias == nil { missing("Certificate alias of import keystore", key("pkcs12.import.alias")) }
                if let importPassword, let importAlias {
                    importing = Import(keystore: SetupSettings.absolute(source, workingDirectory), password: importPassword, alias: importAlias)
                    external = SetupSettings.External(certificate: importing!.keystore, alias: importAlias, authorities: authorities)
                }
            }
            if let directory {
                keystoreDirectory = directory
                alias = name.lowercased()
                store = .pkcs12(PKCS12(layout: KeystoreLayoutV2(root: directory, name: name, caAlias: caAlias), caPassword: caPassword, importing: importing))
            }
        case "JCERACFKS":
            let ringName = config.string(key("keyring.name"))
            if ringName == nil { missing("Zowe keyring name", key("keyring.name")) }
            for (option, what) in [("keyring.import.dsName", "importing a certificate from a data set"), ("keyring.connect.label", "connecting an existing certificate")]
            where config.string(key(option)) != nil {
                problems.append(Diagnostic(MessageCatalog.setupKeyringOptionUnsupported, ["key": key(option).description, "what": what], location: config.location(key(option))))
            }
            let owner = text(key("keyring.owner"), user)
            let label = text(key("keyring.label"), defaultName)
            let caLabel = text(key("keyring.caLabel"), "localca")
            let saf = (environment["ZWE_SAF_DIR"] ?? "").trimmingCharacters(in: .whitespaces)
            if saf.isEmpty {
                problems.append(Diagnostic(MessageCatalog.setupKeyringNeedsSAF, ["type": "JCERACFKS"], location: config.location(key("type"))))
            }
            if let ringName, let problem = SAFDatabase.nameProblem(owner: owner, ring: ringName, label: label) {
                invalid("key ring (\(problem))", key("keyring"), "RACF names for the owner, ring and label")
            }
            keystorePassword = "password"  // a key ring has none; Zowe writes this dummy one
            origin = .defaultValue
            alias = label
            if let ringName, !saf.isEmpty {
                let safDirectory = SetupSettings.absolute(saf, workingDirectory)
                store = .keyring(Keyring(owner: owner, name: ringName, label: label, caLabel: caLabel, safDirectory: safDirectory))
                keyring = SetupSettings.Keyring(name: ringName, owner: owner, generate: true, localCALabel: caLabel, safDirectory: safDirectory)
            }
        default:
            invalid("certificate type", key("type"), "PKCS12 or JCERACFKS")
        }

        guard problems.isEmpty, let store else { throw Diagnostics(problems) }
        let base = SetupSettings(
            keystoreDirectory: keystoreDirectory, hostnames: hostnames, ipAddresses: addresses, alias: alias,
            password: keystorePassword, verifyCertificates: mode == .strict, nonStrictVerifyCertificates: mode != .disabled,
            external: external, zosmfCertificates: [], zosmfHost: endpoint?.host ?? "", zosmfPort: endpoint.map { "\($0.port)" } ?? "",
            zosmfEndpoint: endpoint, componentCertificates: [], userID: user, groupID: group, lockKeystore: lock,
            ssoFallbackToNativeAuth: "true", keyAlgorithm: algorithm, validityDays: days, keyring: keyring)
        return ZoweYAMLSetupSettings(base: base, store: store, names: names, authorities: authorities,
                                     configFile: config.files.first ?? "zowe.yaml", passwordSource: origin)
    }

    /// A folder and entry name: Zowe puts it into paths and keytool aliases.
    static func isValidStoreName(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("."), name.utf8.count <= 64 else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0))
        }
    }
}
