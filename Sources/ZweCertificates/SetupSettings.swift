import Foundation
import ZweConfiguration
import ZweKeyMaterial
import ZweKeyring
import ZweMessages

/// Everything `zwe init certificate` needs, read from the runtime's defaults file and the
/// `-p` file (Zowe v1.28 names), checked in one pass.
public struct SetupSettings: Sendable {
    public struct External: Sendable, Equatable {
        public var certificate: String
        public var alias: String
        public var authorities: [String]
    }

    public var keystoreDirectory: String
    public var hostnames: [String]
    public var ipAddresses: [String]
    public var alias: String
    public var password: String
    public var verifyCertificates: Bool
    public var nonStrictVerifyCertificates: Bool
    public var external: External?
    public var zosmfCertificates: [String]
    public var zosmfHost: String
    public var zosmfPort: String
    /// Where trust-zosmf fetches z/OSMF's chain: set when ZOWE_ZOSMF_HOST is set and
    /// ZOSMF_CERTIFICATE is empty (whether it is fetched depends on the verify mode).
    public var zosmfEndpoint: ZosmfEndpoint?
    public var componentCertificates: [String]
    public var userID: String
    public var groupID: String
    public var lockKeystore: Bool
    public var ssoFallbackToNativeAuth: String
    public var keyAlgorithm: KeyAlgorithm
    public var validityDays: Int
    /// Keyring mode (ZOWE_KEYRING set): the certificates live in a key ring of the simulated
    /// SAF database, and the keystore directory only points at it.
    public var keyring: Keyring? = nil

    public struct Keyring: Sendable, Equatable {
        /// ZOWE_KEYRING
        public var name: String
        /// ZOWE_USER_ID: the ring's owner.
        public var owner: String
        /// GENERATE_CERTS_FOR_KEYRING: make the local CA and the Zowe certificate into the ring
        /// (ZWEKRING's first case); false: the ring is made with `zwe keyring` beforehand.
        public var generate: Bool
        /// ZOWE_LOCALCA_LABEL
        public var localCALabel: String
        /// ZWE_SAF_DIR
        public var safDirectory: String
    }

    /// How Zowe's services will check southbound certificates with this keystore directory.
    public var verifyMode: VerifyMode { VerifyMode(verify: verifyCertificates, nonStrict: nonStrictVerifyCertificates) }

    /// DNS names of the server certificate's SAN: HOSTNAME entries, then Zowe's fixed ones.
    public var sanDNSNames: [String] {
        var names: [String] = []
        for host in hostnames where !IPAddressText.isAddress(host) && !names.contains(host) { names.append(host) }
        for host in ZoweNames.alwaysDNS where !names.contains(host) { names.append(host) }
        return names
    }

    /// IP addresses of the SAN: IPADDRESS entries (and HOSTNAME entries that are addresses), then 127.0.0.1.
    public var sanIPAddresses: [String] {
        var addresses: [String] = []
        for ip in ipAddresses + hostnames.filter(IPAddressText.isAddress) where !addresses.contains(ip) {
            addresses.append(ip)
        }
        for ip in ZoweNames.alwaysIP where !addresses.contains(ip) { addresses.append(ip) }
        return addresses
    }

    /// z/OSMF's host (a name or an address, without brackets) and HTTPS port.
    public struct ZosmfEndpoint: Sendable, Equatable {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `[::1]` as `::1`: an address in URL brackets is still the address.
        static func bare(_ host: String) -> String {
            host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        }
    }

    /// What the command line adds to the files.
    public struct Overrides: Sendable {
        public var password: String?
        public var detectedHostname: String?
        public var detectedAddress: String?
        public init(password: String? = nil, detectedHostname: String? = nil, detectedAddress: String? = nil) {
            self.password = password
            self.detectedHostname = detectedHostname
            self.detectedAddress = detectedAddress
        }
    }

    /// Reads the settings; every problem found is reported together.
    /// - Parameters:
    ///   - defaults: the runtime's `zowe-setup-certificates.env`, if found.
    ///   - file: the `-p` file, parsed with the defaults' values visible to its expansions.
    ///   - workingDirectory: what a relative KEYSTORE_DIRECTORY is relative to.
    public static func resolve(
        defaults: EnvFile?, file: EnvFile, overrides: Overrides, workingDirectory: String
    ) throws(Diagnostics) -> SetupSettings {
        var problems: [Diagnostic] = []
        func raw(_ key: String) -> String? { file[key] ?? defaults?[key] }
        func value(_ key: String, _ fallback: String = "") -> String {
            (raw(key) ?? fallback).trimmingCharacters(in: .whitespaces)
        }
        func location(_ key: String) -> String? { file.location(of: key) ?? defaults?.location(of: key) }
        func list(_ key: String, separators: Set<Character>) -> [String] {
            value(key).split(whereSeparator: { separators.contains($0) }).map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
        }
        func boolean(_ key: String, _ fallback: Bool) -> Bool {
            let text = value(key)
            if text.isEmpty { return fallback }
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default:
                problems.append(Diagnostic(MessageCatalog.invalidBoolean, ["key": key, "value": text], location: location(key)))
                return fallback
            }
        }

        // Keystore directory
        var directory = value("KEYSTORE_DIRECTORY")
        if directory.isEmpty {
            problems.append(Diagnostic(MessageCatalog.keystoreDirectoryMissing, location: file.path))
        } else {
            directory = LaunchPlanner.normalise(directory, relativeTo: workingDirectory)
        }

        // Host names and addresses
        var hostnames = list("HOSTNAME", separators: [","]).map { $0.lowercased() }
        var ipAddresses = list("IPADDRESS", separators: [","]).map { $0.lowercased() }
        if let detected = overrides.detectedHostname { hostnames = [detected.lowercased()] }
        if let detected = overrides.detectedAddress { ipAddresses = [detected.lowercased()] }
        if hostnames.isEmpty { hostnames = ["localhost"] }
        if ipAddresses.isEmpty { ipAddresses = ["127.0.0.1"] }
        for host in hostnames where !IPAddressText.isAddress(host) && !Self.isValidHostName(host) {
            problems.append(Diagnostic(MessageCatalog.invalidHostName, ["value": host], location: location("HOSTNAME")))
        }
        for ip in ipAddresses where !IPAddressText.isAddress(ip) {
            problems.append(Diagnostic(MessageCatalog.invalidIPAddress, ["value": ip], location: location("IPADDRESS")))
        }

        // Alias
        let aliasKey = value("ZOWE_CERTIFICATE_LABEL").isEmpty ? "KEYSTORE_ALIAS" : "ZOWE_CERTIFICATE_LABEL"
        let alias = value(aliasKey, "localhost").isEmpty ? "localhost" : value(aliasKey, "localhost")
        if !Self.isValidAlias(alias) {
            problems.append(Diagnostic(MessageCatalog.invalidAlias, ["key": aliasKey, "value": alias], location: location(aliasKey)))
        }

        // Keyring mode
        var keyring: Keyring?
        let ringName = value("ZOWE_KEYRING")
        if !ringName.isEmpty {
            let saf = value("ZWE_SAF_DIR")
            if saf.isEmpty {
                problems.append(Diagnostic(MessageCatalog.keyringSetupIncomplete, ["key": "ZWE_SAF_DIR"], location: location("ZOWE_KEYRING")))
            }
            let owner = value("ZOWE_USER_ID", "ZWESVUSR").isEmpty ? "ZWESVUSR" : value("ZOWE_USER_ID", "ZWESVUSR")
            if let problem = SAFDatabase.nameProblem(owner: owner, ring: ringName, label: alias) {
                problems.append(Diagnostic(MessageCatalog.keyringFailed, ["operation": "The setup", "dir": saf, "reason": problem], location: location("ZOWE_KEYRING")))
            }
            keyring = Keyring(name: ringName, owner: owner, generate: boolean("GENERATE_CERTS_FOR_KEYRING", false),
                              localCALabel: value("ZOWE_LOCALCA_LABEL", "localca").isEmpty ? "localca" : value("ZOWE_LOCALCA_LABEL", "localca"),
                              safDirectory: saf.isEmpty ? "" : Self.absolute(saf, workingDirectory))
        }

        // Password: command line (file or environment), then the env file. A key ring has
        // none of its own; Zowe's files still carry one.
        let password = overrides.password ?? raw("KEYSTORE_PASSWORD") ?? (keyring != nil ? "password" : "")
        if password.isEmpty {
            problems.append(Diagnostic(MessageCatalog.passwordMissing, location: location("KEYSTORE_PASSWORD")))
        } else if password.contains(where: { $0 == "\n" || $0 == "\r\n" }) {
            problems.append(Diagnostic(MessageCatalog.passwordHasNewline))
        }

        let verify = boolean("VERIFY_CERTIFICATES", true)
        let nonStrict = boolean("NONSTRICT_VERIFY_CERTIFICATES", true)
        let lock = boolean("ZOWE_LOCK_KEYSTORE", true)

        // External certificate: all three or none
        let externalCertificate = value("EXTERNAL_CERTIFICATE")
        let externalAlias = value("EXTERNAL_CERTIFICATE_ALIAS")
        let externalAuthorities = list("EXTERNAL_CERTIFICATE_AUTHORITIES", separators: [" ", "\t"])
        var external: External?
        let filled = [!externalCertificate.isEmpty, !externalAlias.isEmpty, !externalAuthorities.isEmpty]
        if filled.allSatisfy({ $0 }) {
            external = External(
                certificate: Self.absolute(externalCertificate, workingDirectory),
                alias: externalAlias,
                authorities: externalAuthorities.map { Self.absolute($0, workingDirectory) })
        } else if filled.contains(true) {
            let key = ["EXTERNAL_CERTIFICATE", "EXTERNAL_CERTIFICATE_ALIAS", "EXTERNAL_CERTIFICATE_AUTHORITIES"]
                .first { !value($0).isEmpty }!
            problems.append(Diagnostic(MessageCatalog.externalFieldsIncomplete, location: location(key)))
        }

        // z/OSMF trust: the PEM files of ZOSMF_CERTIFICATE, else (trust-zosmf) the chain z/OSMF
        // presents at ZOWE_ZOSMF_HOST:ZOWE_ZOSMF_PORT, fetched by the setup.
        let zosmfCertificates = list("ZOSMF_CERTIFICATE", separators: [" ", "\t"]).map { Self.absolute($0, workingDirectory) }
        let zosmfHost = value("ZOWE_ZOSMF_HOST")
        let zosmfPort = value("ZOWE_ZOSMF_PORT")
        var zosmfEndpoint: ZosmfEndpoint?
        if zosmfCertificates.isEmpty, !zosmfHost.isEmpty {
            // Checked in every verify mode: a wrong value is a mistake even where it is not used.
            let host = ZosmfEndpoint.bare(zosmfHost).lowercased()
            let hostValid = IPAddressText.isAddress(host) || (Self.isValidHostName(host) && !host.hasPrefix("*"))
            if !hostValid {
                problems.append(Diagnostic(MessageCatalog.trustSettingInvalid, [
                    "key": "ZOWE_ZOSMF_HOST", "value": zosmfHost, "expected": "a host name or an IP address",
                ], location: location("ZOWE_ZOSMF_HOST")))
            }
            let port = zosmfPort.isEmpty ? 443 : Int(zosmfPort)
            if port == nil || !(1...65_535).contains(port!) {
                problems.append(Diagnostic(MessageCatalog.trustSettingInvalid, [
                    "key": "ZOWE_ZOSMF_PORT", "value": zosmfPort, "expected": "a port number from 1 to 65535",
                ], location: location("ZOWE_ZOSMF_PORT")))
            }
            if hostValid, let port, (1...65_535).contains(port) {
                zosmfEndpoint = ZosmfEndpoint(host: host, port: port)
            }
        }

        // Component certificates
        var components: [String] = []
        for id in list("COMPONENT_LEVEL_CERTIFICATES", separators: [",", " "]) {
            if !Self.isValidComponentID(id) || id == alias {
                problems.append(Diagnostic(MessageCatalog.invalidComponentID, ["value": id], location: location("COMPONENT_LEVEL_CERTIFICATES")))
            } else if !components.contains(id) {
                components.append(id)
            }
        }

        // Key type and validity
        let algorithmText = value("KEY_ALGORITHM", "RSA-2048")
        var algorithm = KeyAlgorithm.default
        if !algorithmText.isEmpty {
            if let parsed = KeyAlgorithm(setting: algorithmText) {
                algorithm = parsed
            } else {
                problems.append(Diagnostic(MessageCatalog.invalidKeyAlgorithm, ["value": algorithmText], location: location("KEY_ALGORITHM")))
            }
        }
        let daysText = value("CERTIFICATE_VALIDITY_DAYS", "3650")
        var days = 3650
        if !daysText.isEmpty {
            if let parsed = Int(daysText), (1...36_500).contains(parsed) {
                days = parsed
            } else {
                problems.append(Diagnostic(MessageCatalog.invalidValidityDays, ["value": daysText], location: location("CERTIFICATE_VALIDITY_DAYS")))
            }
        }

        if !problems.isEmpty { throw Diagnostics(problems) }
        return SetupSettings(
            keystoreDirectory: directory, hostnames: hostnames, ipAddresses: ipAddresses, alias: alias,
            password: password, verifyCertificates: verify, nonStrictVerifyCertificates: nonStrict,
            external: external, zosmfCertificates: zosmfCertificates, zosmfHost: zosmfHost, zosmfPort: zosmfPort,
            zosmfEndpoint: zosmfEndpoint,
            componentCertificates: components,
            userID: value("ZOWE_USER_ID", "ZWESVUSR"), groupID: value("ZOWE_GROUP_ID", "ZWEADMIN"),
            lockKeystore: lock, ssoFallbackToNativeAuth: value("SSO_FALLBACK_TO_NATIVE_AUTH", "true"),
            keyAlgorithm: algorithm, validityDays: days, keyring: keyring)
    }

    static func absolute(_ path: String, _ workingDirectory: String) -> String {
        LaunchPlanner.normalise(path, relativeTo: workingDirectory)
    }

    static func isValidHostName(_ host: String) -> Bool {
        var labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.first == "*" { labels.removeFirst() }
        guard !labels.isEmpty, host.utf8.count <= 253 else { return false }
        return labels.allSatisfy { label in
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
            return label.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || $0 == "_" }
        }
    }

    static func isValidAlias(_ alias: String) -> Bool {
        guard !alias.isEmpty, !alias.hasPrefix("."), alias.utf8.count <= 64,
              !["localca", "jwtsecret", "local_ca"].contains(alias.lowercased()) else { return false }
        return alias.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0))
        }
    }

    static func isValidComponentID(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= 64, id != "localca", id != "jwtsecret", id.first != "-" else { return false }
        return id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
