import ZweKeyring

/// Where a store is: a PKCS#12 file, or a key ring of the simulated SAF database
/// (`safkeyring:////OWNER/RING`, read from ZWE_SAF_DIR).
public enum StoreReference: Sendable, Equatable, CustomStringConvertible {
    case pkcs12(path: String)
    case keyring(KeyringName, safDirectory: String)

    /// A KEYSTORE or TRUSTSTORE value. Nil for a `safkeyring:` value that names no OWNER/RING.
    public init?(_ value: String, safDirectory: String?) {
        if KeyringName.isKeyring(value) {
            guard let ring = KeyringName(value) else { return nil }
            self = .keyring(ring, safDirectory: safDirectory ?? "")
        } else {
            self = .pkcs12(path: value)
        }
    }

    public var isKeyring: Bool {
        if case .keyring = self { return true }
        return false
    }

    /// As the variables write it.
    public var description: String {
        switch self {
        case .pkcs12(let path): path
        case .keyring(let ring, _): ring.description
        }
    }
}
