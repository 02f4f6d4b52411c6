import Foundation
import X509
import ZweMessages
import ZwePKCS12

/// A certificate signed by an existing CA (EXTERNAL_CERTIFICATE mode): its key, its chain
/// leaf-first as far as the given authorities reach, and the authorities to trust.
struct ExternalCertificate {
    let key: GeneratedKey
    let chain: [[UInt8]]
    let authorities: [LoadedCertificate]

    static func load(_ settings: SetupSettings.External, password: String) throws -> ExternalCertificate {
        let path = settings.certificate
        func unusable(_ reason: String) -> Diagnostic {
            Diagnostic(MessageCatalog.externalKeystoreUnusable, ["path": path, "reason": reason], location: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw unusable("the file does not exist or cannot be read")
        }
        let entries: [PKCS12Entry]
        do {
            entries = try PKCS12Store.read(Array(data), password: password)
        } catch .wrongPassword {
            throw unusable("it does not open with KEYSTORE_PASSWORD")
        } catch {
            throw unusable("it is not a PKCS#12 keystore (\(error))")
        }
        var found: (key: [UInt8], chain: [[UInt8]])?
        for case let .privateKey(alias, pkcs8DER, chain) in entries where alias.lowercased() == settings.alias.lowercased() {
            found = (pkcs8DER, chain)
        }
        guard let found, !found.chain.isEmpty else {
            let aliases = entries.map(\.alias).joined(separator: ", ")
            throw unusable("it has no key entry named '\(settings.alias)' (entries: \(aliases.isEmpty ? "none" : aliases))")
        }
        let key: GeneratedKey
        let leaf: LoadedCertificate
        do {
            key = try GeneratedKey(pkcs8DER: found.key)
            leaf = try LoadedCertificate(der: found.chain[0])
        } catch {
            throw unusable("its key or certificate cannot be read (\(error))")
        }
        guard leaf.certificate.publicKey == key.privateKey.publicKey else {
            throw unusable("the private key of '\(settings.alias)' does not match its certificate")
        }

        var authorities: [LoadedCertificate] = []
        for file in settings.authorities { authorities += try CertificateFile.read(file) }
        let candidates = authorities + (try found.chain.dropFirst().map { try LoadedCertificate(der: $0) })

        // Walk up from the leaf; the first link must come from somewhere, the rest as far as it goes.
        var chain = [leaf]
        while let tip = chain.last, !tip.isSelfSigned, chain.count < 10 {
            guard let issuer = candidates.first(where: {
                $0.certificate.subject == tip.certificate.issuer && $0.certificate.publicKey.isValidSignature(tip.certificate.signature, for: tip.certificate)
            }) else {
                if chain.count == 1 {
                    throw Diagnostic(MessageCatalog.externalChainBroken, ["issuer": "\(tip.certificate.issuer)"], location: settings.authorities.joined(separator: " "))
                }
                break
            }
            if chain.contains(where: { $0.der == issuer.der }) { break }
            chain.append(issuer)
        }
        return ExternalCertificate(key: key, chain: chain.map(\.der), authorities: authorities)
    }
}
