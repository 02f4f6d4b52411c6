/// The content of zowe-certificates.env as a type: what the setup writes, what the planner and
/// the validator read, and what components get from it.
///
/// Reading is lenient (a missing key is an empty value, a missing flag is Zowe's default true):
/// the validator reports what is missing, with the file's line, and components refuse what they
/// cannot use; this type only says what the file says.
public struct CertificateEnvironment: Sendable, Equatable {
    public var keyAlias: String
    /// Secret: never logged, masked in environment snapshots.
    public var keystorePassword: String
    /// KEYSTORE as written: a PKCS#12 path or `safkeyring:////OWNER/RING`.
    public var keystore: String
    public var keystoreType: String
    public var truststore: String
    /// The PEM files of the keystore's key entry and its CA (PKCS#12 mode only).
    public var keystoreKey: String?
    public var keystoreCertificate: String?
    public var keystoreCertificateAuthority: String?
    public var externalRootCA: String?
    public var externalCertificateAuthorities: [String]
    /// Keyring mode: the ring and the SAF database it is in.
    public var keyringOwner: String?
    public var keyringName: String?
    public var localCA: String?
    public var safDirectory: String?
    public var verifyCertificates: Bool
    public var nonStrictVerifyCertificates: Bool
    public var ssoFallbackToNativeAuth: String?
    /// Variables of the file this type has no field for, kept so that they still reach components.
    public var other: [String: String]

    /// A PKCS#12 keystore directory's file.
    public static func pkcs12(
        alias: String, password: String, keystore: String, truststore: String, key: String, certificate: String,
        authority: String, externalRootCA: String, externalAuthorities: [String],
        verify: Bool, nonStrict: Bool, ssoFallbackToNativeAuth: String?
    ) -> CertificateEnvironment {
        CertificateEnvironment(
            keyAlias: alias, keystorePassword: password, keystore: keystore, keystoreType: "PKCS12", truststore: truststore,
            keystoreKey: key, keystoreCertificate: certificate, keystoreCertificateAuthority: authority,
            externalRootCA: externalRootCA.isEmpty ? nil : externalRootCA, externalCertificateAuthorities: externalAuthorities,
            keyringOwner: nil, keyringName: nil, localCA: nil, safDirectory: nil,
            verifyCertificates: verify, nonStrictVerifyCertificates: nonStrict,
            ssoFallbackToNativeAuth: ssoFallbackToNativeAuth, other: [:])
    }

    /// A keyring-mode keystore directory's file: both stores are the ring.
    public static func keyring(
        alias: String, password: String, owner: String, ring: String, localCA: String, safDirectory: String,
        verify: Bool, nonStrict: Bool, ssoFallbackToNativeAuth: String?
    ) -> CertificateEnvironment {
        let store = StoreReference.keyring(.init(owner: owner, ring: ring), safDirectory: safDirectory).description
        return CertificateEnvironment(
            keyAlias: alias, keystorePassword: password, keystore: store, keystoreType: "JCERACFKS", truststore: store,
            keystoreKey: nil, keystoreCertificate: nil, keystoreCertificateAuthority: nil,
            externalRootCA: nil, externalCertificateAuthorities: [],
            keyringOwner: owner, keyringName: ring, localCA: localCA, safDirectory: safDirectory,
            verifyCertificates: verify, nonStrictVerifyCertificates: nonStrict,
            ssoFallbackToNativeAuth: ssoFallbackToNativeAuth, other: [:])
    }

    private init(
        keyAlias: String, keystorePassword: String, keystore: String, keystoreType: String, truststore: String,
        keystoreKey: String?, keystoreCertificate: String?, keystoreCertificateAuthority: String?,
        externalRootCA: String?, externalCertificateAuthorities: [String],
        keyringOwner: String?, keyringName: String?, localCA: String?, safDirectory: String?,
        verifyCertificates: Bool, nonStrictVerifyCertificates: Bool, ssoFallbackToNativeAuth: String?,
        other: [String: String]
    ) {
        self.keyAlias = keyAlias
        self.keystorePassword = keystorePassword
        self.keystore = keystore
        self.keystoreType = keystoreType
        self.truststore = truststore
        self.keystoreKey = keystoreKey
        self.keystoreCertificate = keystoreCertificate
        self.keystoreCertificateAuthority = keystoreCertificateAuthority
        self.externalRootCA = externalRootCA
        self.externalCertificateAuthorities = externalCertificateAuthorities
        self.keyringOwner = keyringOwner
        self.keyringName = keyringName
        self.localCA = localCA
        self.safDirectory = safDirectory
        self.verifyCertificates = verifyCertificates
        self.nonStrictVerifyCertificates = nonStrictVerifyCertificates
        self.ssoFallbackToNativeAuth = ssoFallbackToNativeAuth
        self.other = other
    }

    /// The file's values (after the env-file reader expanded them).
    public init(values: [String: String]) {
        func text(_ variable: CertificateVariable) -> String? {
            guard let value = values[variable.rawValue]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func flag(_ variable: CertificateVariable) -> Bool { text(variable)?.lowercased() != "false" }
        let known = Set(CertificateVariable.allCases.map(\.rawValue))
        self.init(
            keyAlias: text(.keyAlias) ?? "",
            // Taken as given: leading or trailing blanks may be part of a password.
            keystorePassword: values[CertificateVariable.keystorePassword.rawValue] ?? "",
            keystore: text(.keystore) ?? "", keystoreType: text(.keystoreType) ?? "", truststore: text(.truststore) ?? "",
            keystoreKey: text(.keystoreKey), keystoreCertificate: text(.keystoreCertificate),
            keystoreCertificateAuthority: text(.keystoreCertificateAuthority),
            externalRootCA: text(.externalRootCA),
            externalCertificateAuthorities: (text(.externalCertificateAuthorities) ?? "")
                .split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init),
            keyringOwner: text(.keyringOwner), keyringName: text(.keyringName), localCA: text(.localCA),
            safDirectory: text(.safDirectory),
            verifyCertificates: flag(.apimlVerifyCertificates), nonStrictVerifyCertificates: flag(.apimlNonStrictVerifyCertificates),
            ssoFallbackToNativeAuth: text(.ssoFallbackToNativeAuth),
            other: values.filter { !known.contains($0.key) })
    }

    public var verifyMode: VerifyMode { VerifyMode(verify: verifyCertificates, nonStrict: nonStrictVerifyCertificates) }

    /// KEYSTORE_TYPE names a key ring, or KEYSTORE is one.
    public var isKeyring: Bool {
        let type = keystoreType.uppercased()
        return (type.hasPrefix("JCE") && type.hasSuffix("RACFKS")) || keystore.lowercased().hasPrefix("safkeyring:")
    }

    /// The stores, as components open them; nil when KEYSTORE or TRUSTSTORE is not set or names no ring.
    public var stores: KeyMaterialStores? {
        guard !keystore.isEmpty, !truststore.isEmpty,
              let key = StoreReference(keystore, safDirectory: safDirectory),
              let trust = StoreReference(truststore, safDirectory: safDirectory) else { return nil }
        return KeyMaterialStores(keystore: key, truststore: trust, keyAlias: keyAlias.isEmpty ? "localhost" : keyAlias)
    }

    /// The file's lines in the order the setup writes them.
    public var entries: [(String, String)] {
        var lines: [(CertificateVariable, String)] = [
            (.keyAlias, keyAlias), (.keystorePassword, keystorePassword), (.keystore, keystore),
            (.keystoreType, keystoreType), (.truststore, truststore),
        ]
        if let keystoreKey { lines.append((.keystoreKey, keystoreKey)) }
        if let keystoreCertificate { lines.append((.keystoreCertificate, keystoreCertificate)) }
        if let keystoreCertificateAuthority { lines.append((.keystoreCertificateAuthority, keystoreCertificateAuthority)) }
        if !isKeyring {
            lines.append((.externalRootCA, externalRootCA ?? ""))
            lines.append((.externalCertificateAuthorities, externalCertificateAuthorities.joined(separator: " ")))
        }
        if let keyringOwner { lines.append((.keyringOwner, keyringOwner)) }
        if let keyringName { lines.append((.keyringName, keyringName)) }
        if let localCA { lines.append((.localCA, localCA)) }
        if let safDirectory { lines.append((.safDirectory, safDirectory)) }
        lines += [
            (.apimlVerifyCertificates, verifyCertificates ? "true" : "false"),
            (.apimlNonStrictVerifyCertificates, nonStrictVerifyCertificates ? "true" : "false"),
        ]
        if let ssoFallbackToNativeAuth { lines.append((.ssoFallbackToNativeAuth, ssoFallbackToNativeAuth)) }
        return lines.map { ($0.0.rawValue, $0.1) } + other.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// What a component's environment gets from this file: every line of it, the verify flags
    /// under the names components read (VERIFY_CERTIFICATES, NONSTRICT_VERIFY_CERTIFICATES), and
    /// KEYSTORE_PASSWORD as `password` decides, so that a component opens its stores with the
    /// same password the validation used.
    public func componentVariables(password: String) -> [String: String] {
        var variables = Dictionary(entries, uniquingKeysWith: { _, last in last })
        variables[.keystorePassword] = password
        variables[.verifyCertificates] = verifyCertificates ? "true" : "false"
        variables[.nonStrictVerifyCertificates] = nonStrictVerifyCertificates ? "true" : "false"
        return variables
    }
}
