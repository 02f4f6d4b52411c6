import Foundation

/// A key ring named as a store: `safkeyring:////OWNER/RING`, the form zowe-certificates.env
/// writes (`safkeyring://OWNER/RING` is read too).
public struct KeyringName: Sendable, Equatable, CustomStringConvertible {
    public let owner: String
    public let ring: String

    public init(owner: String, ring: String) {
        self.owner = owner
        self.ring = ring
    }

    public init?(_ store: String) {
        let prefix = "safkeyring://"
        guard store.lowercased().hasPrefix(prefix) else { return nil }
        let rest = store.dropFirst(prefix.count).drop { $0 == "/" }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        owner = String(parts[0])
        ring = String(parts[1])
    }

    public static func isKeyring(_ store: String) -> Bool { store.lowercased().hasPrefix("safkeyring:") }

    public var description: String { "safkeyring:////\(owner)/\(ring)" }
}

extension SAFDatabase {
    /// What a ring gives a component: the certificate labelled `label`, with its key when it
    /// has one, and the certificate authorities connected (CERTAUTH or SITE), which are its
    /// chain and the trust.
    public struct RingContent: Sendable {
        public let ring: Ring
        public let labelled: Entry?
        public let authorities: [Entry]
    }

    public enum OpenFailure: Error, Equatable, CustomStringConvertible {
        case noDatabase(String)
        case ringMissing(KeyringName)
        case labelMissing(KeyringName, String, [String])
        case connectionBroken(KeyringName, String, String)

        public var description: String {
            switch self {
            case .noDatabase(let root): "the SAF database \(root) does not exist"
            case .ringMissing(let name): "key ring \(name.owner)/\(name.ring) does not exist"
            case .labelMissing(let name, let label, let labels):
                "key ring \(name.owner)/\(name.ring) has no certificate labelled '\(label)'" + (labels.isEmpty ? " (it is empty)" : "; it has \(labels.map { "'\($0)'" }.joined(separator: ", "))")
            case .connectionBroken(let name, let owner, let label):
                "key ring \(name.owner)/\(name.ring) connects \(owner)/'\(label)', which is not in the database"
            }
        }
    }

    /// Opens a ring for a component or a check. `label` nil: the authorities only (a truststore).
    /// Labels match ignoring case, as Zowe's KEY_ALIAS does.
    public func open(_ name: KeyringName, label: String?) throws -> RingContent {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isFolder), isFolder.boolValue else {
            throw OpenFailure.noDatabase(root)
        }
        guard let ring = try ring(owner: name.owner, name: name.ring) else { throw OpenFailure.ringMissing(name) }
        var authorities: [Entry] = []
        var labelled: Entry?
        for connection in ring.connections {
            guard let entry = try entry(owner: connection.owner, label: connection.label) else {
                throw OpenFailure.connectionBroken(name, connection.owner, connection.label)
            }
            if connection.usage != .personal { authorities.append(entry) }
            if let label, labelled == nil, connection.label.lowercased() == label.lowercased() { labelled = entry }
        }
        if let label, labelled == nil {
            throw OpenFailure.labelMissing(name, label, ring.connections.map(\.label))
        }
        return RingContent(ring: ring, labelled: labelled, authorities: authorities)
    }
}
