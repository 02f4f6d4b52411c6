import Foundation
import X509
import ZweCertificates
import ZweKeyMaterial

/// Days until the Zowe certificate (the key entry under KEY_ALIAS) ends, for `zwe status` and
/// the metrics. The store is opened as components open it, and again only when its file (or
/// the SAF database of a key ring) changes, as after `zwe certificate renew`: a scrape every few
/// seconds must not decrypt the keystore every time.
final class CertificateExpiry: @unchecked Sendable {
    private let stores: KeyMaterialStores
    private let password: String
    private let lock = NSLock()
    private var readAt: (modified: timespec, notAfter: Date?)?

    init(stores: KeyMaterialStores, password: String) {
        self.stores = stores
        self.password = password
    }

    func days(now: Date = Date()) -> Int? {
        let modified = Self.modified(stores.keystore)
        lock.lock()
        defer { lock.unlock() }
        if readAt == nil || readAt!.modified.tv_sec != modified.tv_sec || readAt!.modified.tv_nsec != modified.tv_nsec {
            let leaf = (try? stores.key(alias: stores.keyAlias, password: password))?.chain.first
            readAt = (modified, leaf.flatMap { try? LoadedCertificate(der: $0) }?.certificate.notValidAfter)
        }
        return readAt?.notAfter.map { Int(($0.timeIntervalSince(now) / 86_400).rounded(.down)) }
    }

    private static func modified(_ store: StoreReference) -> timespec {
        let path: String
        switch store {
        case .pkcs12(let file): path = file
        case .keyring(_, let safDirectory): path = safDirectory
        }
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mtim : timespec()
    }
}
