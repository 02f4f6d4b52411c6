import ZweKeyMaterial
/// The paths of a Zowe keystore directory (Zowe v1 layout), relative to any root, so that
/// the same names serve the staging folder and the directory users see.
public struct KeystoreLayout: Sendable, Equatable {
    public let root: String
    public let alias: String

    public init(root: String, alias: String) {
        self.root = root
        self.alias = alias
    }

    public static let environmentFileName = CertificateVariable.fileName
    public static let localCAFolderName = "local_ca"

    public var environmentFile: String { "\(root)/\(Self.environmentFileName)" }
    public var localCAFolder: String { "\(root)/\(Self.localCAFolderName)" }
    public var localCACertificate: String { "\(localCAFolder)/localca.cer" }
    public var localCAKeystore: String { "\(localCAFolder)/localca.keystore.p12" }
    public func externalCA(_ number: Int) -> String { "\(localCAFolder)/extca.\(number).cer" }

    public var aliasFolder: String { "\(root)/\(alias)" }
    public var keystore: String { "\(aliasFolder)/\(alias).keystore.p12" }
    public var truststore: String { "\(aliasFolder)/\(alias).truststore.p12" }
    public var certificate: String { "\(aliasFolder)/\(alias).keystore.cer" }
    public var certificateEBCDIC: String { "\(aliasFolder)/\(alias).keystore.cer-ebcdic" }
    public var privateKey: String { "\(aliasFolder)/\(alias).keystore.key" }
    public var jwtPublicKey: String { "\(aliasFolder)/\(alias).keystore.jwtsecret.pem" }
    public func componentCertificate(_ id: String) -> String { "\(aliasFolder)/\(alias).keystore.\(id).cer" }
    public func componentKey(_ id: String) -> String { "\(aliasFolder)/\(alias).keystore.\(id).key" }

    /// The same layout under another root.
    public func rebased(to newRoot: String) -> KeystoreLayout { KeystoreLayout(root: newRoot, alias: alias) }

    /// The names directly under the root that a set consists of.
    public var topLevelNames: [String] { [Self.environmentFileName, Self.localCAFolderName, alias] }
}
