// The paths of a keystore directory as Zowe v2's `zwe init certificate` lays it out from
// zowe.setup.certificate.pkcs12 (bin/libs/certificate: create ca, create cert, export):
//
//     <directory>/<caAlias>/<caAlias>.keystore.p12   the CA's key entry <caalias>, caPassword
//     <directory>/<caAlias>/<caalias>.cer            the CA, PEM
//     <directory>/<name>/<name>.keystore.p12         key entry <name lower-cased>, trusted <caalias>, extca1..
//     <directory>/<name>/<name>.truststore.p12       trusted <caalias>, extca1.., zosmf00..
//     <directory>/<name>/<name lower-cased>.cer|.key the certificate and its PKCS#8 key, PEM
//     <directory>/<name>/<alias>.cer                 each trusted entry exported, PEM
//
// Aliases are lower-case, as Java's PKCS#12 keystore stores them.

public struct KeystoreLayoutV2: Sendable, Equatable {
    public let root: String
    public let name: String
    public let caAlias: String

    public init(root: String, name: String, caAlias: String) {
        self.root = root
        self.name = name
        self.caAlias = caAlias
    }

    /// The key entry's alias (zowe.certificate.keystore.alias).
    public var alias: String { name.lowercased() }
    public var caEntryAlias: String { caAlias.lowercased() }

    public var caFolder: String { "\(root)/\(caAlias)" }
    public var caKeystore: String { "\(caFolder)/\(caAlias).keystore.p12" }
    public var caCertificate: String { "\(caFolder)/\(caEntryAlias).cer" }

    public var folder: String { "\(root)/\(name)" }
    public var keystore: String { "\(folder)/\(name).keystore.p12" }
    public var truststore: String { "\(folder)/\(name).truststore.p12" }
    public var certificate: String { "\(folder)/\(alias).cer" }
    public var privateKey: String { "\(folder)/\(alias).key" }
    /// A trusted entry exported next to the stores (`local_ca.cer`, `extca1.cer`, `zosmf00.cer`).
    public func exported(_ entryAlias: String) -> String { "\(folder)/\(entryAlias.lowercased()).cer" }

    /// The same layout under another root.
    public func rebased(to newRoot: String) -> KeystoreLayoutV2 { KeystoreLayoutV2(root: newRoot, name: name, caAlias: caAlias) }

    /// The names directly under the root that a set consists of.
    public var topLevelNames: [String] { [caAlias, name] }

    /// The alias of the N-th (from 1) imported certificate authority, as Zowe's `--trust-cas` names it.
    public static func externalAlias(_ number: Int) -> String { "extca\(number)" }
}
