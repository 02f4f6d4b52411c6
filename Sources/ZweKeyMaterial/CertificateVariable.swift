// ZweKeyMaterial owns the contract every part of an instance crosses to reach its certificates:
// the variables of zowe-certificates.env and of a component's environment (their names live
// here and nowhere else), the store they point at (a PKCS#12 file or a key ring of the SAF
// database), the verify mode, where the store password comes from, and the one way a store is
// opened. The setup writes through it, the planner and the validator read through it, and the
// launcher and every component open stores through it, so that all of them agree on the same
// file, alias and password.

/// A variable of zowe-certificates.env, or one that the launcher derives from it for components.
public enum CertificateVariable: String, Sendable, CaseIterable {
    case keyAlias = "KEY_ALIAS"
    case keystorePassword = "KEYSTORE_PASSWORD"
    case keystore = "KEYSTORE"
    case keystoreType = "KEYSTORE_TYPE"
    case truststore = "TRUSTSTORE"
    case keystoreKey = "KEYSTORE_KEY"
    case keystoreCertificate = "KEYSTORE_CERTIFICATE"
    case keystoreCertificateAuthority = "KEYSTORE_CERTIFICATE_AUTHORITY"
    case externalRootCA = "EXTERNAL_ROOT_CA"
    case externalCertificateAuthorities = "EXTERNAL_CERTIFICATE_AUTHORITIES"
    case keyringOwner = "KEYRING_OWNER"
    case keyringName = "KEYRING_NAME"
    case localCA = "LOCAL_CA"
    case safDirectory = "ZWE_SAF_DIR"
    /// The file's verify flags (Zowe v1 names)...
    case apimlVerifyCertificates = "ZOWE_APIM_VERIFY_CERTIFICATES"
    case apimlNonStrictVerifyCertificates = "ZOWE_APIM_NONSTRICT_VERIFY_CERTIFICATES"
    /// ...and the names components read them under.
    case verifyCertificates = "VERIFY_CERTIFICATES"
    case nonStrictVerifyCertificates = "NONSTRICT_VERIFY_CERTIFICATES"
    case ssoFallbackToNativeAuth = "SSO_FALLBACK_TO_NATIVE_AUTH"
    /// Overrides KEYSTORE_PASSWORD for validation, the launcher and, through it, every component.
    case passwordOverride = "ZWE_KEYSTORE_PASSWORD"

    public var name: String { rawValue }

    /// The file of a keystore directory that holds these variables.
    public static let fileName = "zowe-certificates.env"

    /// Store types that mean a key ring (`safkeyring://` stores).
    public static let keyringTypes = ["JCERACFKS", "JCECCARACFKS", "JCEHYBRIDRACFKS"]
}

extension Dictionary where Key == String, Value == String {
    /// The value of a certificate variable.
    public subscript(variable: CertificateVariable) -> String? {
        get { self[variable.rawValue] }
        set { self[variable.rawValue] = newValue }
    }
}
