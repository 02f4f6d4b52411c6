import ArgumentParser
import Foundation
import X509
import ZweCertificates
import ZweKeyMaterial
import ZweKeyring
import ZweMessages

/// `zwe keyring`: the ZWEKRING job's operations on the simulated SAF database.
struct KeyringCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyring",
        abstract: "Key rings in the simulated SAF database (ZWE_SAF_DIR), as the ZWEKRING job makes them.",
        discussion: """
            The three ZWEKRING cases: 'generate' makes a local CA and the Zowe certificate into a \
            ring (case 1), 'import' adds a certificate signed by an existing CA with its CA chain \
            (case 2), 'connect' connects a certificate already in the database (case 3). \
            'connect-zosmf' connects z/OSMF's CA; 'delete' is ZWENOKYR.
            """,
        subcommands: [
            KeyringCreate.self, KeyringGenerate.self, KeyringImport.self, KeyringConnect.self,
            KeyringConnectZOSMF.self, KeyringList.self, KeyringDelete.self,
        ])
}

/// The options every keyring operation takes.
struct RingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The simulated SAF database folder (default: ZWE_SAF_DIR).", valueName: "DIR"))
    var safDir: String?

    @Option(help: ArgumentHelp("The user ID that owns the ring (ZOWE_USER_ID, e.g. ZWESVUSR).", valueName: "USER"))
    var owner: String

    @Option(help: ArgumentHelp("The ring's name (ZOWE_KEYRING, e.g. ZoweKeyring).", valueName: "RING"))
    var ring: String

    func database() throws -> SAFDatabase {
        guard let root = safDir ?? ProcessInfo.processInfo.environment["ZWE_SAF_DIR"], !root.isEmpty else {
            throw fail([Diagnostic(MessageCatalog.keyringNoDatabase)])
        }
        return SAFDatabase(root: root)
    }
}

/// Runs one database operation; a refusal becomes ZWEL2001E with the database's reason.
func keyringOperation<T>(_ name: String, _ database: SAFDatabase, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let failure as SAFDatabase.Failure {
        throw fail([Diagnostic(MessageCatalog.keyringFailed, ["operation": name, "dir": database.root, "reason": failure.description])])
    }
}

/// Reads the PEM blocks of a file given on the command line.
func readPEM(_ path: String, what: String, label: String) throws -> [[UInt8]] {
    do {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let blocks = try PEM.decode(text).filter { $0.label == label }.map(\.der)
        guard !blocks.isEmpty else {
            throw fail([Diagnostic(MessageCatalog.keyringInputUnreadable, ["path": path, "what": what, "reason": "no \(label) block"])])
        }
        return blocks
    } catch let exit as ExitCode {
        throw exit
    } catch {
        throw fail([Diagnostic(MessageCatalog.keyringInputUnreadable, ["path": path, "what": what, "reason": "\(error)"])])
    }
}

func say(_ diagnostic: Diagnostic) { print(diagnostic.description) }

struct KeyringCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an empty key ring (RACDCERT ADDRING).")

    @OptionGroup var ring: RingOptions

    func run() throws {
        let database = try ring.database()
        try keyringOperation("create", database) { try database.addRing(owner: ring.owner, name: ring.ring) }
        say(Diagnostic(MessageCatalog.keyringCreated, ["owner": ring.owner, "ring": ring.ring]))
    }
}

/// Case 1: the local CA (made once, kept under CERTAUTH) and a Zowe certificate it signs.
struct KeyringGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Case 1: generate a local CA and the Zowe certificate, and connect both to the ring.",
        discussion: "The ring is made when it does not exist. An existing CA label is reused to sign.")

    @OptionGroup var ring: RingOptions

    @Option(help: ArgumentHelp("The Zowe certificate's label (KEYSTORE_ALIAS).", valueName: "LABEL"))
    var label = "localhost"

    @Option(help: ArgumentHelp("The local CA's label, owned by CERTAUTH (ZOWE_LOCALCA_LABEL).", valueName: "LABEL"))
    var caLabel = "localca"

    @Option(help: ArgumentHelp("A DNS name for the certificate's SAN (repeatable; localhost is always in).", valueName: "NAME"))
    var hostname: [String] = []

    @Option(help: ArgumentHelp("An IP address for the SAN (repeatable; 127.0.0.1 is always in).", valueName: "ADDRESS"))
    var ipAddress: [String] = []

    @Option(help: ArgumentHelp("RSA-2048, RSA-3072, RSA-4096 or EC-P256.", valueName: "TYPE"))
    var keyAlgorithm = "RSA-2048"

    @Option(help: ArgumentHelp("Days the certificates are valid.", valueName: "DAYS"))
    var validityDays = 730

    func run() throws {
        let database = try ring.database()
        guard let algorithm = KeyAlgorithm(setting: keyAlgorithm) else {
            throw fail([Diagnostic(MessageCatalog.keyringFailed, ["operation": "generate", "dir": database.root,
                                                                  "reason": "'\(keyAlgorithm)' is not RSA-2048, RSA-3072, RSA-4096 or EC-P256"])])
        }
        let generation = KeyringGeneration(owner: ring.owner, ring: ring.ring, label: label, caLabel: caLabel, dnsNames: hostname,
                                           ipAddresses: ipAddress, algorithm: algorithm, validityDays: validityDays)
        let messages = try keyringOperation("generate", database) { try generation.run(database) }
        messages.forEach(say)
    }
}

func connect(_ database: SAFDatabase, _ ring: RingOptions, owner: String, label: String, usage: SAFDatabase.Usage, isDefault: Bool) throws {
    say(try KeyringGeneration.connect(database, ring.owner, ring.ring, SAFDatabase.Connection(owner: owner, label: label, usage: usage, isDefault: isDefault)))
}

/// Case 2: a certificate signed by an existing CA, with its key and CA chain.
struct KeyringImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Case 2: add a certificate signed by an existing CA, its key and its CA chain, and connect them.")

    @OptionGroup var ring: RingOptions

    @Option(help: ArgumentHelp("The certificate's label.", valueName: "LABEL"))
    var label = "localhost"

    @Option(help: ArgumentHelp("The certificate (PEM).", valueName: "FILE"))
    var certificate: String

    @Option(help: ArgumentHelp("Its private key (PEM, PKCS#8).", valueName: "FILE"))
    var key: String

    @Option(help: ArgumentHelp("A CA certificate of its chain (PEM; repeatable, intermediate first).", valueName: "FILE"))
    var ca: [String] = []

    @Option(help: ArgumentHelp("Labels for the CA certificates, owned by CERTAUTH (default: <label>CA1, <label>CA2, ...).", valueName: "LABEL"))
    var caLabel: [String] = []

    func run() throws {
        let database = try ring.database()
        let leafDER = try readPEM(certificate, what: "a certificate", label: "CERTIFICATE")[0]
        let keyDER = try readPEM(key, what: "a private key", label: "PRIVATE KEY")[0]
        let leaf: Certificate
        do {
            leaf = try Certificate(derEncoded: leafDER)
            let privateKey = try GeneratedKey(pkcs8DER: keyDER)
            guard privateKey.privateKey.publicKey == leaf.publicKey else {
                throw fail([Diagnostic(MessageCatalog.keyringKeyMismatch, ["key": key, "certificate": certificate])])
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail([Diagnostic(MessageCatalog.keyringInputUnreadable, ["path": certificate, "what": "a certificate and key", "reason": "\(error)"])])
        }
        var authorities: [(label: String, der: [UInt8])] = []
        for file in ca {
            for der in try readPEM(file, what: "a CA certificate", label: "CERTIFICATE") {
                let index = authorities.count
                authorities.append((index < caLabel.count ? caLabel[index] : "\(label)CA\(index + 1)", der))
            }
        }
        try keyringOperation("import", database) {
            try database.locked {
                if try database.ring(owner: ring.owner, name: ring.ring) == nil {
                    try database.addRing(owner: ring.owner, name: ring.ring)
                    say(Diagnostic(MessageCatalog.keyringCreated, ["owner": ring.owner, "ring": ring.ring]))
                }
                for authority in authorities {
                    try KeyringGeneration.connectAuthority(database, ring.owner, ring.ring, label: authority.label, der: authority.der).forEach(say)
                }
                try database.addCertificate(owner: ring.owner, label: label, certificatePEM: PEM.encode(leafDER, label: "CERTIFICATE"),
                                            privateKeyPEM: PEM.encode(keyDER, label: "PRIVATE KEY"))
                say(KeyringGeneration.added(ring.owner, label, leaf.subject.description, withKey: true))
                try connect(database, ring, owner: ring.owner, label: label, usage: .personal, isDefault: true)
            }
        }
    }
}

/// Case 3: a certificate already in the database.
struct KeyringConnect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Case 3: connect a certificate that is already in the database (RACDCERT CONNECT).")

    @OptionGroup var ring: RingOptions

    @Option(help: ArgumentHelp("The certificate's label.", valueName: "LABEL"))
    var label: String

    @Option(help: ArgumentHelp("Who owns the certificate (default: the ring's owner; CERTAUTH for a CA).", valueName: "USER"))
    var certificateOwner: String?

    @Option(help: ArgumentHelp("PERSONAL, CERTAUTH or SITE (default: CERTAUTH for a CERTAUTH certificate, else PERSONAL).", valueName: "USAGE"))
    var usage: String?

    @Flag(help: "Make it the ring's default certificate.")
    var `default` = false

    func run() throws {
        let database = try ring.database()
        let owner = certificateOwner ?? ring.owner
        guard let chosen = SAFDatabase.Usage(rawValue: (usage ?? (owner == "CERTAUTH" ? "CERTAUTH" : "PERSONAL")).uppercased()) else {
            throw fail([Diagnostic(MessageCatalog.keyringFailed, ["operation": "connect", "dir": database.root, "reason": "usage '\(usage ?? "")' is not PERSONAL, CERTAUTH or SITE"])])
        }
        try keyringOperation("connect", database) {
            try connect(database, ring, owner: owner, label: label, usage: chosen, isDefault: `default`)
        }
    }
}

/// The z/OSMF CA (ZWEKRING's ROOTZFCA), so that components trust z/OSMF.
struct KeyringConnectZOSMF: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect-zosmf",
        abstract: "Add z/OSMF's CA certificate under CERTAUTH and connect it to the ring (ZWEKRING's ROOTZFCA).")

    @OptionGroup var ring: RingOptions

    @Option(help: ArgumentHelp("z/OSMF's CA certificate, or its own if self-signed (PEM).", valueName: "FILE"))
    var certificate: String

    @Option(help: ArgumentHelp("Its label under CERTAUTH.", valueName: "LABEL"))
    var label = "ROOTZFCA"

    func run() throws {
        let database = try ring.database()
        let der = try readPEM(certificate, what: "a certificate", label: "CERTIFICATE")[0]
        try keyringOperation("connect-zosmf", database) {
            try KeyringGeneration.connectAuthority(database, ring.owner, ring.ring, label: label, der: der).forEach(say)
        }
    }
}

struct KeyringList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List a ring's certificates (RACDCERT LISTRING).")

    @OptionGroup var ring: RingOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let database = try ring.database()
        let found = try keyringOperation("list", database) { try database.ring(owner: ring.owner, name: ring.ring) }
        guard let found else {
            throw fail([Diagnostic(MessageCatalog.keyringFailed, ["operation": "list", "dir": database.root,
                                                                  "reason": SAFDatabase.Failure.ringMissing(ring.owner, ring.ring).description])])
        }
        var rows: [[String: Any]] = []
        for connection in found.connections {
            let entry = try? database.entry(owner: connection.owner, label: connection.label)
            let certificate = entry.flatMap { try? Certificate(pemEncoded: $0.certificatePEM) }
            rows.append([
                "owner": connection.owner, "label": connection.label, "usage": connection.usage.rawValue,
                "default": connection.isDefault, "privateKey": entry?.privateKeyPEM != nil,
                "subject": certificate?.subject.description ?? "(missing from the database)",
                "notAfter": certificate.map { ISO8601DateFormatter().string(from: $0.notValidAfter) } ?? "",
            ])
        }
        if json {
            let object: [String: Any] = ["owner": found.owner, "ring": found.name, "store": KeyringName(owner: found.owner, ring: found.name).description, "certificates": rows]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("Key ring \(found.owner)/\(found.name) (\(KeyringName(owner: found.owner, ring: found.name))): \(rows.count) certificates")
        for row in rows {
            print("  \(row["owner"]!)/'\(row["label"]!)' \(row["usage"]!)\((row["default"] as? Bool) == true ? " DEFAULT" : "")\((row["privateKey"] as? Bool) == true ? " with private key" : "")")
            print("      \(row["subject"]!), valid until \(row["notAfter"]!)")
        }
    }
}

/// ZWENOKYR: the ring, and every certificate it connected that no other ring connects.
struct KeyringDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Remove the ring and the certificates only it used (ZWENOKYR).")

    @OptionGroup var ring: RingOptions

    func run() throws {
        let database = try ring.database()
        let removed = try keyringOperation("delete", database) { () throws -> Int in
            try database.locked {
                guard let found = try database.ring(owner: ring.owner, name: ring.ring) else {
                    throw SAFDatabase.Failure.ringMissing(ring.owner, ring.ring)
                }
                try database.deleteRing(owner: ring.owner, name: ring.ring)
                let stillUsed = database.rings().flatMap(\.connections)
                var count = 0
                for connection in found.connections where !stillUsed.contains(where: { $0.owner == connection.owner && $0.label == connection.label }) {
                    if (try? database.deleteCertificate(owner: connection.owner, label: connection.label)) != nil { count += 1 }
                }
                return count
            }
        }
        say(Diagnostic(MessageCatalog.keyringRemoved, ["owner": ring.owner, "ring": ring.ring, "count": "\(removed)"]))
    }
}
