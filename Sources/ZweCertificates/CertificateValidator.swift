import Foundation
import X509
import ZweConfiguration
import ZweKeyMaterial
import ZweKeyring
import ZweMessages
import ZwePKCS12

/// What to check: a keystore directory, and the hosts its certificate must serve.
public struct CertificateCheck: Sendable {
    public var keystoreDirectory: String
    /// Hosts the certificate must cover, each with where it came from (e.g. ("zowe.example.com", "instance.env:12")).
    public var hosts: [(host: String, source: String)]
    /// A certificate that ends within this many days gets a warning.
    public var expiryWarningDays: Int = 30
    public var now: Date = Date()
    /// Password override (ZWE_KEYSTORE_PASSWORD); nil = KEYSTORE_PASSWORD of zowe-certificates.env.
    public var password: String? = nil
    /// Verify mode override; nil = from ZOWE_APIM_VERIFY_CERTIFICATES / ZOWE_APIM_NONSTRICT_VERIFY_CERTIFICATES
    /// in zowe-certificates.env (default both true).
    public var verifyMode: VerifyMode? = nil
    /// What `$VAR` in zowe-certificates.env expands to when the file does not assign VAR
    /// itself; empty by default so that a check does not depend on the caller's shell.
    public var environment: [String: String] = [:]
    /// Rule 9: the services Zowe's services call over HTTPS (z/OSMF, static definitions), each
    /// checked by a live handshake when a verify flag is on. Empty: the rule costs nothing.
    public var southbound: [SouthboundEndpoint] = []
    /// Rule 9's time limit per handshake (they run side by side): short, so that `zwe validate`
    /// stays fast when a service does not answer.
    public var handshakeTimeoutMilliseconds = 1_000
    /// The certificate variables when they do not come from the directory's zowe-certificates.env:
    /// a zowe.yaml's zowe.certificate.*, each entry at the line of its YAML value.
    public var certificateFile: EnvFile? = nil

    public init(keystoreDirectory: String, hosts: [(host: String, source: String)] = []) {
        self.keystoreDirectory = keystoreDirectory
        self.hosts = hosts
    }
}

/// Everything one check found.
public struct CertificateReport: Sendable {
    /// Errors first (in rule order), then warnings, then informational notes.
    public var findings: [Diagnostic]
    public var verifyMode: VerifyMode
    /// The Zowe certificate's (KEY_ALIAS's) days to expiry, if it could be read.
    public var expiresInDays: Int?

    public var errorCount: Int { findings.count { $0.severity == .error } }
    public var warningCount: Int { findings.count { $0.severity == .warning } }

    public init(findings: [Diagnostic], verifyMode: VerifyMode, expiresInDays: Int?) {
        self.findings = findings
        self.verifyMode = verifyMode
        self.expiresInDays = expiresInDays
    }
}

/// The certificate rules of certificates.md ("Validation rules"); rule 9 (a live handshake with
/// z/OSMF and static services) only for the endpoints the caller lists.
public enum CertificateValidator {
    /// Runs every rule in one pass and never throws: every problem is a finding. When
    /// something that later rules need is missing (a store that does not open, say), those
    /// rules are skipped and said so once, so that one root cause gives one error.
    public static func check(_ check: CertificateCheck) -> CertificateReport {
        var run = ValidationRun(check)
        run.perform()
        return run.report()
    }
}

/// The state of one check: findings so far, and what has been read.
struct ValidationRun {
    let check: CertificateCheck
    var findings: [(rule: Int, diagnostic: Diagnostic)] = []
    var skipped: [(what: String, reason: String)] = []
    var verifyMode: VerifyMode = .strict
    var expiresInDays: Int?

    // A CA met in several chains (the local CA is in every one) is reported once.
    var validityReported: Set<[UInt8]> = []
    var weaknessReported: Set<[UInt8]> = []
    var authorityReported: Set<[UInt8]> = []
    var parsed: [[UInt8]: ValidationCertificate] = [:]

    // Read from the directory.
    var env: EnvFile?
    var keystorePath = ""
    var truststorePath = ""
    var keystoreEntries: [PKCS12Entry]?
    var truststore: [(alias: String, certificate: ValidationCertificate, trusted: Bool)]?
    /// Why the truststore was not read, for the rules that need it to say so in the same note.
    var truststoreProblem: String?
    var mainLeaf: ValidationCertificate?
    var files: [(path: String, secret: String?)] = []

    init(_ check: CertificateCheck) { self.check = check }

    // MARK: Findings

    mutating func add(_ rule: Int, _ definition: MessageDefinition, _ values: [String: String] = [:], location: String?) {
        findings.append((rule, Diagnostic(definition, values, location: location)))
    }

    mutating func skip(_ what: String, because reason: String) {
        skipped.append((what, reason))
    }

    func report() -> CertificateReport {
        var ordered = findings.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.diagnostic.severity != y.diagnostic.severity { return x.diagnostic.severity > y.diagnostic.severity }
            if x.rule != y.rule { return x.rule < y.rule }
            return a.offset < b.offset
        }.map(\.element.diagnostic)
        // One note per reason, naming every check it stopped.
        var reasons: [String] = []
        var whats: [String: [String]] = [:]
        for (what, reason) in skipped {
            if whats[reason] == nil { reasons.append(reason) }
            if whats[reason, default: []].contains(what) == false { whats[reason, default: []].append(what) }
        }
        for reason in reasons {
            ordered.append(Diagnostic(MessageCatalog.checksSkipped, [
                "what": whats[reason, default: []].joined(separator: "; "), "reason": reason,
            ]))
        }
        return CertificateReport(findings: ordered, verifyMode: verifyMode, expiresInDays: expiresInDays)
    }

    // MARK: The pass

    mutating func perform() {
        guard let env = readEnvironment() else { return }
        self.env = env
        let envPath = env.path
        files.append((envPath, present(env[.keystorePassword]) == nil ? nil : "the keystore password"))
        defer { checkPermissions() }

        let keystoreValue = present(env[.keystore])
        let type = present(env[.keystoreType])?.uppercased()
        if CertificateEnvironment(values: env.values).isKeyring {
            checkKeyring(keystoreValue ?? "", type: type ?? "JCERACFKS")
            return
        }

        let required: [CertificateVariable] = [.keyAlias, .keystore, .truststore, .keystoreKey, .keystoreCertificate, .keystoreCertificateAuthority]
        for key in required where present(env[key]) == nil {
            add(11, MessageCatalog.envKeyMissing, ["key": key.name, "path": envPath], location: env.location(of: key) ?? envPath)
        }
        var typeAllowsStores = true
        if let type, type != "PKCS12" {
            add(11, MessageCatalog.keystoreTypeUnsupported, ["value": env[.keystoreType] ?? type],
                location: env.location(of: .keystoreType))
            typeAllowsStores = false
        }

        // Every path the file names.
        var usable: [String: String] = [:]
        let paths: [CertificateVariable] = [.keystore, .truststore, .keystoreKey, .keystoreCertificate, .keystoreCertificateAuthority]
        for key in paths {
            if let value = present(env[key]), let path = checkedPath(value, key: key) { usable[key] = path }
        }
        var authorities: [(key: CertificateVariable, path: String)] = []
        for key in [CertificateVariable.externalRootCA, .externalCertificateAuthorities] {
            for value in (env[key] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                if let path = checkedPath(String(value), key: key) { authorities.append((key, path)) }
            }
        }
        if let path = usable[.keystoreCertificateAuthority] { authorities.insert((.keystoreCertificateAuthority, path), at: 0) }
        for (key, path) in authorities { checkCertificateFile(path, key: key) }
        keystorePath = usable[.keystore] ?? resolve(present(env[.keystore]) ?? CertificateVariable.keystore.name)
        truststorePath = usable[.truststore] ?? resolve(present(env[.truststore]) ?? CertificateVariable.truststore.name)
        if let path = usable[.keystore] { files.append((path, "the private key")) }
        if let path = usable[.truststore] { files.append((path, nil)) }
        if let path = usable[.keystoreKey] { files.append((path, "the private key")) }
        let localCA = KeystoreLayout(root: check.keystoreDirectory, alias: "").localCAKeystore
        if FileManager.default.fileExists(atPath: localCA) { files.append((localCA, "the local CA's private key")) }

        openStores(keystore: usable[.keystore], truststore: usable[.truststore], typeAllowsStores: typeAllowsStores)
        checkKeystoreEntries(keyAlias: present(env[.keyAlias]))
        checkTruststore()
        checkSouthbound()
        checkPEMPair(key: usable[.keystoreKey], certificate: usable[.keystoreCertificate])
    }

    // MARK: Keyring mode

    /// A key ring read as the stores would be: its PERSONAL certificates with their keys as
    /// key entries (the chain: the ring's certificate authorities), its CERTAUTH and SITE
    /// certificates as the truststore; then the same rules as for PKCS#12 files.
    mutating func checkKeyring(_ keystore: String, type: String) {
        guard let env else { return }
        let location = env.location(of: .keystore) ?? env.path
        guard let name = KeyringName(keystore) else {
            add(11, MessageCatalog.keystoreTypeUnsupported, ["value": type], location: env.location(of: .keystoreType) ?? location)
            return
        }
        guard let root = present(env[.safDirectory]) else {
            add(11, MessageCatalog.keyringDatabaseUnnamed, ["keystore": keystore], location: location)
            skip("the certificates of \(name)", because: "no SAF database is named")
            return
        }
        add(11, MessageCatalog.keyringNotChecked, ["keystore": name.description, "type": type, "dir": root], location: location)
        let database = SAFDatabase(root: root)
        guard let ring = try? database.ring(owner: name.owner, name: name.ring) else {
            add(1, MessageCatalog.keyringMissing, ["ring": name.description, "dir": root], location: location)
            skip("the certificates of \(name)", because: "the ring does not exist")
            return
        }
        keystorePath = name.description
        truststorePath = name.description
        if let trust = present(env[.truststore]), let trustRing = KeyringName(trust), trustRing != name {
            add(11, MessageCatalog.envKeyMissing, ["key": "TRUSTSTORE (the same key ring as KEYSTORE)", "path": env.path], location: env.location(of: .truststore) ?? env.path)
        }
        var authorities: [(label: String, der: [UInt8])] = []
        var personal: [(label: String, der: [UInt8], key: [UInt8]?)] = []
        for connection in ring.connections {
            guard let entry = try? database.entry(owner: connection.owner, label: connection.label),
                  let der = (try? PEM.decode(entry.certificatePEM))?.first(where: { $0.label == "CERTIFICATE" })?.der else {
                add(1, MessageCatalog.keyringConnectionBroken, ["ring": name.description, "owner": connection.owner, "label": connection.label, "dir": root], location: location)
                continue
            }
            if connection.usage == .personal {
                let key = entry.privateKeyPEM.flatMap { (try? PEM.decode($0))?.first?.der }
                personal.append((connection.label, der, key))
                if entry.privateKeyPEM != nil {
                    files.append((database.privateKeyPath(owner: connection.owner, label: connection.label), "the private key"))
                }
            } else {
                authorities.append((connection.label, der))
            }
        }
        keystoreEntries = personal.map { item in
            guard let key = item.key else { return .trustedCertificate(alias: item.label, der: item.der) }
            return .privateKey(alias: item.label, pkcs8DER: key, chain: [item.der] + authorities.map(\.der).filter { $0 != item.der })
        }
        truststore = authorities.compactMap { authority in parse(authority.der).map { (authority.label, $0, true) } }
        checkKeystoreEntries(keyAlias: present(env[.keyAlias]))
        checkTruststore()
        checkSouthbound()
    }

    // MARK: Rule 0 and the verify mode

    /// The parsed zowe-certificates.env, or nil after reporting why there is none.
    mutating func readEnvironment() -> EnvFile? {
        if let given = check.certificateFile {
            verifyMode = check.verifyMode ?? VerifyMode(verify: flag(given, .apimlVerifyCertificates), nonStrict: flag(given, .apimlNonStrictVerifyCertificates))
            return given
        }
        let directory = check.keystoreDirectory
        let everything = "the certificates of the keystore directory"
        var info = stat()
        let problem: String? =
            stat(directory, &info) != 0 ? "does not exist"
            : (info.st_mode & S_IFMT) != S_IFDIR ? "is not a folder"
            : access(directory, R_OK | X_OK) != 0 ? "cannot be read by this user"
            : nil
        if let problem {
            add(0, MessageCatalog.keystoreDirectoryUnusable, ["dir": directory, "problem": problem], location: directory)
            skip(everything, because: "the keystore directory cannot be read")
            return nil
        }
        let path = KeystoreLayout(root: directory, alias: "").environmentFile
        guard FileManager.default.fileExists(atPath: path) else {
            add(0, MessageCatalog.keystoreDirectoryWithoutEnv, ["dir": directory], location: path)
            skip(everything, because: "zowe-certificates.env is missing")
            return nil
        }
        let env: EnvFile
        do {
            env = try EnvFile.load(path: path, environment: check.environment)
        } catch {
            add(0, error.definition, error.values, location: error.location ?? path)
            skip(everything, because: "zowe-certificates.env cannot be read")
            return nil
        }
        // Read even when overridden, so that a bad value in the file is still reported.
        let configured = VerifyMode(
            verify: flag(env, .apimlVerifyCertificates),
            nonStrict: flag(env, .apimlNonStrictVerifyCertificates))
        verifyMode = check.verifyMode ?? configured
        return env
    }

    /// Unset or empty is true (Zowe's default); anything but true/false is reported, and true.
    mutating func flag(_ env: EnvFile, _ key: CertificateVariable) -> Bool {
        guard let value = present(env[key]) else { return true }
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default:
            add(11, MessageCatalog.invalidBoolean, ["key": key.name, "value": value], location: env.location(of: key))
            return true
        }
    }

    func present(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    /// Zowe writes absolute paths; a relative one is taken as relative to the directory.
    func resolve(_ value: String) -> String {
        value.hasPrefix("/") ? value : check.keystoreDirectory + "/" + value
    }

    // MARK: Rule 11

    /// The path when it names a readable file; otherwise reported against the env file's line.
    mutating func checkedPath(_ value: String, key: CertificateVariable) -> String? {
        let path = resolve(value)
        var info = stat()
        var link = stat()
        let problem: String? =
            stat(path, &info) != 0 ? (lstat(path, &link) == 0 ? "is a symbolic link to nothing" : "does not exist")
            : (info.st_mode & S_IFMT) == S_IFDIR ? "is a folder, not a file"
            : access(path, R_OK) != 0 ? "cannot be read by this user"
            : nil
        guard let problem else { return path }
        add(11, MessageCatalog.envPathMissing, ["key": key.name, "path": path, "problem": problem],
            location: env?.location(of: key) ?? path)
        return nil
    }

    mutating func checkCertificateFile(_ path: String, key: CertificateVariable) {
        if case .failure(let reason) = readCertificates(path) {
            add(11, MessageCatalog.cannotReadCertificateFile, ["path": path, "reason": reason.description],
                location: env?.location(of: key) ?? path)
        }
    }

    /// Every certificate of a PEM or DER file.
    mutating func readCertificates(_ path: String) -> Result<[ValidationCertificate], ValidationFailure> {
        guard let data = FileManager.default.contents(atPath: path) else { return .failure("it cannot be read") }
        let bytes = Array(data)
        var ders: [[UInt8]] = []
        if PEM.looksLikePEM(bytes) {
            guard let blocks = try? PEM.decode(String(decoding: bytes, as: UTF8.self)) else {
                return .failure("its PEM text is damaged")
            }
            ders = blocks.filter { $0.label.hasSuffix("CERTIFICATE") }.map(\.der)
            if ders.isEmpty { return .failure("it holds no CERTIFICATE block") }
        } else {
            ders = [bytes]
        }
        var out: [ValidationCertificate] = []
        for der in ders {
            guard let certificate = parse(der) else { return .failure("a certificate in it is not valid X.509") }
            out.append(certificate)
        }
        return .success(out)
    }

    mutating func parse(_ der: [UInt8]) -> ValidationCertificate? {
        if let known = parsed[der] { return known }
        guard let certificate = try? ValidationCertificate(der: der) else { return nil }
        parsed[der] = certificate
        return certificate
    }

    // MARK: Rule 1: opening the stores

    mutating func openStores(keystore: String?, truststore: String?, typeAllowsStores: Bool) {
        let envPath = env?.path ?? ""
        let (password, source) = KeystorePassword.choose(override: check.password, file: env?[.keystorePassword])
        var refused: [String] = []
        if password.isEmpty {
            add(1, MessageCatalog.keystorePasswordMissing, ["path": envPath], location: env?.location(of: .keystorePassword) ?? envPath)
        }
        let keystoreWhat = "the key entries of \(keystorePath)"
        let truststoreWhat = "the chain to the truststore and the certificates of \(truststorePath)"

        // Both stores are read once: their bytes here, then one decryption each.
        if let path = keystore, !password.isEmpty {
            switch openStore(path, key: .keystore, password: password, typeAllowsStores: typeAllowsStores, { (bytes, password) throws(PKCS12Error) -> [PKCS12Entry] in
                try PKCS12Store.read(bytes, password: password)
            }) {
            case .success(let entries): keystoreEntries = entries
            case .failure(let failure):
                if failure.wrongPassword { refused.append(path) }
                skip(keystoreWhat, because: failure.reason)
            }
        } else {
            skip(keystoreWhat, because: password.isEmpty && keystore != nil ? "there is no keystore password" : "the keystore is missing")
        }
        if let path = truststore, !password.isEmpty {
            switch openStore(path, key: .truststore, password: password, typeAllowsStores: typeAllowsStores, { (bytes, password) throws(PKCS12Error) -> [PKCS12Certificate] in
                try PKCS12Store.certificates(in: bytes, password: password)
            }) {
            case .success(let bags):
                var certificates: [(alias: String, certificate: ValidationCertificate, trusted: Bool)] = []
                for (index, bag) in bags.enumerated() {
                    let alias = bag.alias ?? "#\(index + 1)"
                    if let certificate = parse(bag.der) {
                        certificates.append((alias, certificate, bag.trusted))
                    } else {
                        add(1, MessageCatalog.storeEntryUnreadable, ["alias": alias, "store": path, "reason": "its certificate is not valid X.509"], location: "\(path):\(alias)")
                    }
                }
                self.truststore = certificates
            case .failure(let failure):
                if failure.wrongPassword { refused.append(path) }
                truststoreProblem = failure.reason
                skip(truststoreWhat, because: failure.reason)
            }
        } else {
            truststoreProblem = password.isEmpty && truststore != nil ? "there is no keystore password" : "the truststore is missing"
            skip(truststoreWhat, because: truststoreProblem!)
        }
        if !refused.isEmpty {
            add(1, MessageCatalog.storesWrongPassword, [
                "source": source == .environment ? CertificateVariable.passwordOverride.name : "\(CertificateVariable.keystorePassword.name) in \(envPath)",
                "stores": refused.joined(separator: " and "),
            ], location: refused[0])
        }
    }

    struct OpenFailure: Error {
        var reason: String
        var wrongPassword = false
    }

    mutating func openStore<T>(
        _ path: String, key: CertificateVariable, password: String, typeAllowsStores: Bool,
        _ read: ([UInt8], String) throws(PKCS12Error) -> T
    ) -> Result<T, OpenFailure> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(OpenFailure(reason: "it cannot be read"))
        }
        let bytes = Array(data)
        let location = env?.location(of: key) ?? path
        if let format = Self.foreignFormat(bytes) {
            // A JKS file under KEYSTORE_TYPE=JKS is one mistake, already reported.
            if typeAllowsStores {
                add(11, MessageCatalog.storeNotPKCS12, ["path": path, "key": key.name, "reason": format], location: location)
            }
            return .failure(OpenFailure(reason: "it is not a PKCS#12 store"))
        }
        do throws(PKCS12Error) {
            return .success(try read(bytes, password))
        } catch .wrongPassword {
            return .failure(OpenFailure(reason: "the stores do not open with the keystore password", wrongPassword: true))
        } catch {
            let reason = switch error {
            case .malformed(let text), .unsupported(let text), .failed(let text): text
            case .wrongPassword: "wrong password"
            }
            add(11, MessageCatalog.storeNotPKCS12, ["path": path, "key": key.name, "reason": reason], location: location)
            return .failure(OpenFailure(reason: "it cannot be read as a PKCS#12 store"))
        }
    }

    /// What a file is when it is certainly not PKCS#12 (which is a DER SEQUENCE).
    static func foreignFormat(_ bytes: [UInt8]) -> String? {
        if bytes.isEmpty { return "the file is empty" }
        if bytes.starts(with: [0xFE, 0xED, 0xFE, 0xED]) { return "it is a JKS keystore" }
        if bytes.starts(with: [0xCE, 0xCE, 0xCE, 0xCE]) { return "it is a JCEKS keystore" }
        if PEM.looksLikePEM(Array(bytes.prefix(4096))) { return "it is PEM text" }
        if bytes[0] != 0x30 { return "it is not DER-encoded" }
        return nil
    }

    // MARK: Rules 1-8 and 12 on the key entries

    mutating func checkKeystoreEntries(keyAlias: String?) {
        guard let entries = keystoreEntries else { return }
        let aliasWhat = "the certificate of KEY_ALIAS"
        if let keyAlias {
            let location = "\(keystorePath):\(keyAlias)"
            if let entry = entries.first(where: { $0.alias.lowercased() == keyAlias.lowercased() }) {
                switch entry {
                case .privateKey(let alias, let key, let chain):
                    checkKeyEntry(alias: alias, key: key, chain: chain, entries: entries, isMain: true)
                case .trustedCertificate:
                    add(1, MessageCatalog.aliasNotAKey, ["alias": keyAlias, "store": keystorePath], location: location)
                    skip(aliasWhat, because: "KEY_ALIAS names no key entry")
                }
            } else {
                let aliases = entries.map(\.alias)
                add(1, MessageCatalog.aliasNotFound, [
                    "alias": keyAlias, "store": keystorePath,
                    "aliases": aliases.isEmpty ? "none" : aliases.map { "'\($0)'" }.joined(separator: ", "),
                ], location: location)
                skip(aliasWhat, because: "KEY_ALIAS names no key entry")
            }
        }
        // Component-level certificates are every other key entry but the CA's and the JWT key's.
        let reserved: Set<String> = [keyAlias?.lowercased() ?? "", "localca", "jwtsecret"]
        for case let .privateKey(alias, key, chain) in entries where !reserved.contains(alias.lowercased()) {
            checkKeyEntry(alias: alias, key: key, chain: chain, entries: entries, isMain: false)
            // The setup writes each component's PEM key next to KEYSTORE_KEY.
            if let keyAlias, let keyFile = present(env?[.keystoreKey]).map({ resolve($0) }) {
                let componentKey = (keyFile as NSString).deletingLastPathComponent + "/\(keyAlias).keystore.\(alias).key"
                if FileManager.default.fileExists(atPath: componentKey) { files.append((componentKey, "the private key")) }
            }
        }
    }

    mutating func checkKeyEntry(alias: String, key: [UInt8], chain: [[UInt8]], entries: [PKCS12Entry], isMain: Bool) {
        let location = "\(keystorePath):\(alias)"
        func unreadable(_ reason: String) -> Diagnostic {
            Diagnostic(MessageCatalog.storeEntryUnreadable, ["alias": alias, "store": keystorePath, "reason": reason], location: location)
        }
        guard let leafDER = chain.first else {
            findings.append((1, unreadable("it has a private key but no certificate")))
            return
        }
        guard let leaf = parse(leafDER) else {
            findings.append((1, unreadable("its certificate is not valid X.509")))
            return
        }
        if isMain {
            mainLeaf = leaf
            expiresInDays = Int((leaf.notAfter.timeIntervalSince(check.now) / 86_400).rounded(.down))
        }

        // Rule 2
        do {
            if let privateKey = try ValidationPublicKey(privateKeyDER: key), !privateKey.sameKey(as: leaf.publicKey) {
                add(2, MessageCatalog.keyMismatch, ["key": "of '\(alias)'", "certificate": "'\(leaf.subjectText)'"], location: location)
            }
        } catch {
            findings.append((2, unreadable("its private key cannot be read")))
        }

        checkUsages(leaf, alias: alias, location: location)
        checkHosts(leaf, alias: alias, location: location)

        // Rule 7, and the CAs it went through for rule 8.
        let stored = chain.dropFirst().compactMap { parse($0) }
        var path = [leaf]
        if let truststore {
            path = checkChain(leaf, alias: alias, location: location, stored: stored, entries: entries, trusted: truststore)
        }
        var authorities: [ValidationCertificate] = []
        for certificate in path.dropFirst() + stored where !authorities.contains(where: { $0.der == certificate.der }) {
            authorities.append(certificate)
        }
        let trustedDERs = Set((truststore ?? []).map(\.certificate.der))
        for authority in authorities {
            checkAuthority(authority, alias: alias, location: location, trusted: trustedDERs.contains(authority.der))
        }

        // Rules 5 and 12
        checkValidity(leaf, where: "certificate of '\(alias)'", location: location)
        checkWeakness(leaf, where: "certificate of '\(alias)'", location: location, signature: true)
        for authority in authorities {
            checkValidity(authority, where: "in the chain of '\(alias)'", location: location)
            checkWeakness(authority, where: "in the chain of '\(alias)'", location: location, signature: !authority.isSelfSigned)
        }
    }

    // MARK: Rules 3 and 4

    mutating func checkUsages(_ leaf: ValidationCertificate, alias: String, location: String) {
        if let usages = try? leaf.extensions.extendedKeyUsage {
            let list = Array(usages)
            let any = list.contains(.any)
            let server = any || list.contains(.serverAuth)
            let client = any || list.contains(.clientAuth)
            if !server || !client {
                var missing: [String] = []
                var roles: [String] = []
                if !server {
                    missing.append("\(ValidationOID.serverAuth) (serverAuth)")
                    roles.append("TLS server")
                }
                if !client {
                    missing.append("\(ValidationOID.clientAuth) (clientAuth)")
                    roles.append("TLS client")
                }
                add(3, MessageCatalog.extendedKeyUsageMissing, [
                    "alias": alias, "roles": roles.joined(separator: " or "),
                    "usages": list.isEmpty ? "empty" : list.map(CertificateDescription.extendedUsage).joined(separator: ", "),
                    "missing": missing.joined(separator: " and "),
                ], location: location)
            }
        }
        if let usage = try? leaf.extensions.keyUsage {
            let server = usage.digitalSignature || usage.keyEncipherment || usage.keyAgreement
            let client = usage.digitalSignature || usage.keyAgreement
            if !server || !client {
                let names = CertificateDescription.usages(usage)
                add(4, MessageCatalog.keyUsageInsufficient, [
                    "alias": alias, "usages": names.isEmpty ? "empty" : names.joined(separator: ", "),
                    "roles": !server && !client ? "TLS server or client" : (!server ? "TLS server" : "TLS client"),
                ], location: location)
            }
        }
    }

    // MARK: Rule 5

    mutating func checkValidity(_ certificate: ValidationCertificate, where place: String, location: String) {
        guard validityReported.insert(certificate.der).inserted else { return }
        let values = ["subject": certificate.subjectText, "where": place]
        let remaining = certificate.notAfter.timeIntervalSince(check.now)
        if remaining < 0 {
            add(5, MessageCatalog.certificateExpired, values.merging(["date": CertificateDescription.time(certificate.notAfter)]) { $1 }, location: location)
        } else if certificate.notBefore > check.now {
            add(5, MessageCatalog.certificateNotYetValid, values.merging(["date": CertificateDescription.time(certificate.notBefore)]) { $1 }, location: location)
        } else if remaining < TimeInterval(check.expiryWarningDays) * 86_400 {
            add(5, MessageCatalog.certificateExpiring, values.merging([
                "date": CertificateDescription.time(certificate.notAfter),
                "days": "\(Int((remaining / 86_400).rounded(.down)))",
            ]) { $1 }, location: location)
        }
    }

    // MARK: Rule 6

    mutating func checkHosts(_ leaf: ValidationCertificate, alias: String, location: String) {
        let names = ValidationHostnames(leaf)
        var seen: Set<String> = []
        for (host, source) in check.hosts {
            let key = ValidationHostnames.normalised(host)
            guard !key.isEmpty, seen.insert(key).inserted, !names.covers(host) else { continue }
            add(6, verifyMode == .strict ? MessageCatalog.hostNotCovered : MessageCatalog.hostNotCoveredLenient, [
                "alias": alias, "host": host, "source": source, "names": names.listed, "mode": verifyMode.rawValue,
            ], location: location)
        }
    }

    // MARK: Rule 7

    /// The path from the leaf towards a trusted certificate, as far as it goes; a missing
    /// link is reported. Links are made by name and confirmed by signature, so that a CA of
    /// the right name with another key (an earlier setup's) is told apart from a missing one.
    mutating func checkChain(
        _ leaf: ValidationCertificate, alias: String, location: String, stored: [ValidationCertificate],
        entries: [PKCS12Entry], trusted: [(alias: String, certificate: ValidationCertificate, trusted: Bool)]
    ) -> [ValidationCertificate] {
        if trusted.contains(where: { $0.certificate.der == leaf.der }) { return [leaf] }
        var pool = stored
        for entry in entries {
            let ders: [[UInt8]] = switch entry {
            case .privateKey(_, _, let chain): chain
            case .trustedCertificate(_, let der): [der]
            }
            for der in ders where !pool.contains(where: { $0.der == der }) {
                if let certificate = parse(der) { pool.append(certificate) }
            }
        }
        var path = [leaf]
        while let tip = path.last, path.count <= 16 {
            let anchors = trusted.map(\.certificate).filter { $0.subject == tip.issuer }
            if let anchor = anchors.first(where: { $0.signed(tip) != false }) {
                if anchor.der != tip.der { path.append(anchor) }
                return path
            }
            let issuers = pool.filter { candidate in
                candidate.subject == tip.issuer && !path.contains(where: { $0.der == candidate.der })
            }
            if let issuer = issuers.first(where: { $0.signed(tip) != false }) {
                path.append(issuer)
                continue
            }
            if !anchors.isEmpty || (!issuers.isEmpty && !tip.isSelfSigned) {
                add(7, MessageCatalog.chainWrongKey, ["alias": alias, "issuer": tip.issuerText, "subject": tip.subjectText], location: location)
            } else if tip.isSelfSigned {
                add(7, MessageCatalog.chainRootUntrusted, ["alias": alias, "root": tip.subjectText, "truststore": truststorePath], location: location)
            } else {
                add(7, MessageCatalog.chainIssuerMissing, ["alias": alias, "issuer": tip.issuerText, "subject": tip.subjectText], location: location)
            }
            return path
        }
        return path
    }

    // MARK: Rule 8

    mutating func checkAuthority(_ authority: ValidationCertificate, alias: String, location: String, trusted: Bool) {
        guard authorityReported.insert(authority.der).inserted else { return }
        // Java takes an X.509 v1 trust anchor as a bare trusted key, without extensions to check.
        if trusted && authority.version < 3 { return }
        var problems: [String] = []
        switch try? authority.extensions.basicConstraints {
        case .isCertificateAuthority: break
        case .notCertificateAuthority: problems.append("its basicConstraints say CA:FALSE")
        case .none: problems.append("it has no basicConstraints CA:TRUE")
        }
        if let usage = try? authority.extensions.keyUsage, !usage.keyCertSign {
            let names = CertificateDescription.usages(usage)
            problems.append("its key usage (\(names.isEmpty ? "empty" : names.joined(separator: ", "))) lacks keyCertSign")
        }
        guard !problems.isEmpty else { return }
        add(8, MessageCatalog.certificateNotACA, [
            "subject": authority.subjectText, "alias": alias, "problems": problems.joined(separator: ", and "),
        ], location: location)
    }

    // MARK: Rule 12

    mutating func checkWeakness(_ certificate: ValidationCertificate, where place: String, location: String, signature: Bool) {
        let problems = certificate.weaknesses(includingSignature: signature)
        guard !problems.isEmpty, weaknessReported.insert(certificate.der).inserted else { return }
        add(12, MessageCatalog.weakCryptography, [
            "subject": certificate.subjectText, "where": place, "problems": problems.joined(separator: ", "),
        ], location: location)
    }

    // MARK: The truststore's own certificates

    mutating func checkTruststore() {
        guard let truststore else { return }
        for (alias, certificate, trusted) in truststore {
            let location = "\(truststorePath):\(alias)"
            if !trusted {
                add(7, MessageCatalog.certificateNotJavaTrusted, ["alias": alias, "store": truststorePath], location: location)
            }
            let place = "trusted as '\(alias)'"
            checkValidity(certificate, where: place, location: location)
            // A trusted certificate's own signature is never checked by peers; its key is used.
            checkWeakness(certificate, where: place, location: location, signature: !certificate.isSelfSigned)
        }
    }

    // MARK: Rule 2 on the PEM files

    mutating func checkPEMPair(key keyPath: String?, certificate certificatePath: String?) {
        var certificate: ValidationCertificate?
        if let certificatePath {
            switch readCertificates(certificatePath) {
            case .success(let certificates): certificate = certificates.first
            case .failure(let reason):
                add(11, MessageCatalog.cannotReadCertificateFile, ["path": certificatePath, "reason": reason.description],
                    location: env?.location(of: .keystoreCertificate) ?? certificatePath)
            }
        }
        var privateKey: ValidationPublicKey?
        if let keyPath {
            switch readPrivateKey(keyPath) {
            case .success(let key): privateKey = key
            case .failure(let reason):
                add(11, MessageCatalog.privateKeyUnreadable, ["path": keyPath, "key": CertificateVariable.keystoreKey.name, "reason": reason.description],
                    location: env?.location(of: .keystoreKey) ?? keyPath)
            }
        }
        if let keyPath, let certificatePath, let privateKey, let certificate, !privateKey.sameKey(as: certificate.publicKey) {
            add(2, MessageCatalog.keyMismatch, ["key": "in \(keyPath)", "certificate": "in \(certificatePath)"], location: keyPath)
        }
        if let certificatePath, let certificate, let mainLeaf, certificate.der != mainLeaf.der,
           let alias = present(env?[.keyAlias]) {
            add(2, MessageCatalog.pemCertificateDiffers, ["path": certificatePath, "alias": alias, "store": keystorePath], location: certificatePath)
        }
    }

    /// The public half of the first private key in a PEM file; nil inside success for a key
    /// type that cannot be compared.
    func readPrivateKey(_ path: String) -> Result<ValidationPublicKey?, ValidationFailure> {
        guard let data = FileManager.default.contents(atPath: path) else { return .failure("it cannot be read") }
        guard let blocks = try? PEM.decode(String(decoding: data, as: UTF8.self)) else {
            return .failure("its PEM text is damaged")
        }
        guard let block = blocks.first(where: { $0.label.hasSuffix("PRIVATE KEY") }) else {
            return .failure("it holds no PRIVATE KEY block")
        }
        if block.label == "ENCRYPTED PRIVATE KEY" { return .failure("the key is encrypted") }
        do {
            return .success(try ValidationPublicKey(privateKeyDER: block.der, label: block.label))
        } catch {
            return .failure("the \(block.label) block is not a valid key")
        }
    }

    // MARK: Rule 10

    mutating func checkPermissions() {
        var seen: Set<String> = []
        for (path, secret) in files where seen.insert(path).inserted {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            let mode = info.st_mode & 0o7777
            let groupWrites = mode & 0o020 != 0
            let othersWrite = mode & 0o002 != 0
            let othersRead = secret != nil && mode & 0o004 != 0
            var problems: [String] = []
            switch (groupWrites, othersWrite) {
            case (true, true): problems.append("its group and everyone else can change it")
            case (true, false): problems.append("its group can change it")
            case (false, true): problems.append("everyone can change it")
            case (false, false): break
            }
            if othersRead, let secret { problems.append("everyone can read \(secret) it holds") }
            guard !problems.isEmpty else { continue }
            var change: [String] = []
            if groupWrites { change.append("g-w") }
            if othersWrite || othersRead { change.append("o-" + (othersRead ? "r" : "") + (othersWrite ? "w" : "")) }
            add(10, MessageCatalog.filePermissionsUnsafe, [
                "path": path, "mode": String(mode, radix: 8).leftPadded(to: 4),
                "problem": problems.joined(separator: ", and "), "change": change.joined(separator: ","),
            ], location: path)
        }
    }
}

/// A reason, in words, why a file could not be used.
struct ValidationFailure: Error, ExpressibleByStringInterpolation, CustomStringConvertible {
    let description: String
    init(stringLiteral value: String) { description = value }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
