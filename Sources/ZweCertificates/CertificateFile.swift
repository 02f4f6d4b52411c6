import Foundation
import SwiftASN1
import X509
import ZweKeyMaterial
import ZweMessages

/// A certificate read from a file, with its DER bytes kept as they were.
public struct LoadedCertificate: Sendable {
    public let der: [UInt8]
    public let certificate: Certificate

    public init(der: [UInt8]) throws {
        self.der = der
        self.certificate = try Certificate(derEncoded: der)
    }

    public var isSelfSigned: Bool { certificate.isSelfSigned }
}

/// Reads certificate files as users hand them over: PEM with one or more certificates, or DER.
public enum CertificateFile {
    public static func read(_ path: String) throws(Diagnostic) -> [LoadedCertificate] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic(MessageCatalog.cannotReadCertificateFile, ["path": path, "reason": "the file does not exist or cannot be read"], location: path)
        }
        let bytes = Array(data)
        do {
            if PEM.looksLikePEM(bytes) {
                let blocks = try PEM.decode(String(decoding: bytes, as: UTF8.self))
                let certificates = try blocks.filter { $0.label == "CERTIFICATE" || $0.label == "X509 CERTIFICATE" || $0.label == "TRUSTED CERTIFICATE" }
                    .map { try LoadedCertificate(der: $0.der) }
                guard !certificates.isEmpty else {
                    throw Diagnostic(MessageCatalog.cannotReadCertificateFile, ["path": path, "reason": "no CERTIFICATE block in the file"], location: path)
                }
                return certificates
            }
            return [try LoadedCertificate(der: bytes)]
        } catch let diagnostic as Diagnostic {
            throw diagnostic
        } catch {
            throw Diagnostic(MessageCatalog.cannotReadCertificateFile, ["path": path, "reason": "\(error)"], location: path)
        }
    }
}
