import Foundation
import X509
import ZweKeyMaterial
import ZweKeyring
import ZweMessages

/// ZWEKRING's first case, shared by `zwe keyring generate` and the keyring mode of
/// `zwe init certificate`: the local CA under CERTAUTH (made once, reused to sign when its
/// label is there), a Zowe certificate it signs under the ring's owner, both connected to the
/// ring (the Zowe certificate as its default), the ring made if missing. One change under the
/// database's lock.
public struct KeyringGeneration: Sendable {
    public var owner: String
    public var ring: String
    public var label: String
    public var caLabel: String
    public var dnsNames: [String]
    public var ipAddresses: [String]
    public var algorithm: KeyAlgorithm
    public var validityDays: Int

    public init(owner: String, ring: String, label: String, caLabel: String, dnsNames: [String], ipAddresses: [String],
                algorithm: KeyAlgorithm, validityDays: Int) {
        self.owner = owner
        self.ring = ring
        self.label = label
        self.caLabel = caLabel
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.algorithm = algorithm
        self.validityDays = validityDays
    }

    /// Makes the certificates; the messages say what was made, reused and connected.
    /// `trusted`: more CA certificates (z/OSMF's) connected as CERTAUTH under their labels.
    public func run(_ database: SAFDatabase, trusted: [(label: String, der: [UInt8])] = []) throws -> [Diagnostic] {
        var messages: [Diagnostic] = []
        let factory = CertificateFactory(validityDays: validityDays)
        try database.locked {
            if try database.ring(owner: owner, name: ring) == nil {
                try database.addRing(owner: owner, name: ring)
                messages.append(Diagnostic(MessageCatalog.keyringCreated, ["owner": owner, "ring": ring]))
            }
            let caCertificate: Certificate
            let caKey: Certificate.PrivateKey
            if let existing = try database.entry(owner: "CERTAUTH", label: caLabel), let keyPEM = existing.privateKeyPEM {
                caCertificate = try Certificate(pemEncoded: existing.certificatePEM)
                caKey = try Certificate.PrivateKey(pemEncoded: keyPEM)
                messages.append(Diagnostic(MessageCatalog.keyringReused, ["owner": "CERTAUTH", "label": caLabel]))
            } else {
                let key = try algorithm.generate()
                caCertificate = try factory.localCA(key: key)
                caKey = key.privateKey
                try database.addCertificate(owner: "CERTAUTH", label: caLabel, certificatePEM: try Self.pem(caCertificate), privateKeyPEM: key.pkcs8PEM)
                messages.append(Self.added("CERTAUTH", caLabel, caCertificate.subject.description, withKey: true))
            }
            let key = try algorithm.generate()
            let certificate = try factory.server(
                commonName: ZoweNames.serviceCommonName, dnsNames: Self.unique(dnsNames + ZoweNames.alwaysDNS),
                ipAddresses: Self.unique(ipAddresses + ZoweNames.alwaysIP), key: key, issuer: caCertificate, issuerKey: caKey)
            if try database.entry(owner: owner, label: label) != nil {
                try database.deleteCertificate(owner: owner, label: label)
            }
            try database.addCertificate(owner: owner, label: label, certificatePEM: try Self.pem(certificate), privateKeyPEM: key.pkcs8PEM)
            messages.append(Self.added(owner, label, certificate.subject.description, withKey: true))
            messages.append(try Self.connect(database, owner, ring, SAFDatabase.Connection(owner: "CERTAUTH", label: caLabel, usage: .certauth)))
            for authority in trusted {
                messages += try Self.connectAuthority(database, owner, ring, label: authority.label, der: authority.der)
            }
            messages.append(try Self.connect(database, owner, ring, SAFDatabase.Connection(owner: owner, label: label, usage: .personal, isDefault: true)))
        }
        return messages
    }

    /// A CA certificate under CERTAUTH (added when its label is not there yet, else used as
    /// it is), connected to the ring as CERTAUTH.
    public static func connectAuthority(_ database: SAFDatabase, _ ringOwner: String, _ ring: String, label: String, der: [UInt8]) throws -> [Diagnostic] {
        try database.locked {
            var messages: [Diagnostic] = []
            if try database.entry(owner: "CERTAUTH", label: label) == nil {
                try database.addCertificate(owner: "CERTAUTH", label: label, certificatePEM: PEM.encode(der, label: "CERTIFICATE"), privateKeyPEM: nil)
                messages.append(added("CERTAUTH", label, (try? Certificate(derEncoded: der).subject.description) ?? "?", withKey: false))
            } else {
                messages.append(Diagnostic(MessageCatalog.keyringReused, ["owner": "CERTAUTH", "label": label]))
            }
            messages.append(try connect(database, ringOwner, ring, SAFDatabase.Connection(owner: "CERTAUTH", label: label, usage: .certauth)))
            return messages
        }
    }

    public static func connect(_ database: SAFDatabase, _ ringOwner: String, _ ring: String, _ connection: SAFDatabase.Connection) throws -> Diagnostic {
        try database.connect(ringOwner: ringOwner, ring: ring, connection)
        return Diagnostic(MessageCatalog.keyringConnected, [
            "owner": connection.owner, "label": connection.label, "ringOwner": ringOwner, "ring": ring,
            "usage": connection.usage.rawValue, "default": connection.isDefault ? " (default)" : "",
        ])
    }

    public static func added(_ owner: String, _ label: String, _ subject: String, withKey: Bool) -> Diagnostic {
        Diagnostic(MessageCatalog.keyringCertificateAdded, ["owner": owner, "label": label, "subject": subject,
                                                             "withKey": withKey ? ", with its private key" : ""])
    }

    public static func pem(_ certificate: Certificate) throws -> String {
        try certificate.serializeAsPEM().pemString + "\n"
    }

    static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0.lowercased()).inserted }
    }
}
