import Foundation
import ZweMessages
import ZwePKCS12

/// A service Zowe's services call over HTTPS, for rule 9.
public struct SouthboundEndpoint: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case zosmf
        /// A service of a static definition file, by its serviceId.
        case staticService(String)
    }

    public var kind: Kind
    /// A name or an address, without URL brackets.
    public var host: String
    public var port: Int
    /// Where it is configured: `instance.env:LINE`, or the static definition file.
    public var location: String

    public init(kind: Kind, host: String, port: Int, location: String) {
        self.kind = kind
        self.host = host
        self.port = port
        self.location = location
    }

    /// How messages name it.
    var what: String {
        switch kind {
        case .zosmf: "z/OSMF"
        case .staticService(let id): "static service '\(id)'"
        }
    }
}

/// Results written by the handshake threads, read after all of them ended.
private final class HandshakeResults: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: Result<TLSProbe.Peer, TLSProbe.HandshakeFailure>] = [:]

    func set(_ index: Int, _ value: Result<TLSProbe.Peer, TLSProbe.HandshakeFailure>) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }

    func get(_ index: Int) -> Result<TLSProbe.Peer, TLSProbe.HandshakeFailure>? {
        lock.lock()
        defer { lock.unlock() }
        return values[index]
    }
}

// MARK: Rule 9

extension ValidationRun {
    /// With a verify flag on, a live handshake with each endpoint, its chain checked against the
    /// truststore's certificates (every one an anchor, as Java takes a truststore) and, in STRICT,
    /// the leaf's names against the host. A service that does not answer is a warning, not an
    /// error: z/OSMF and other southbound services may well start after Zowe.
    mutating func checkSouthbound() {
        guard !check.southbound.isEmpty, verifyMode != .disabled else { return }
        guard let truststore else {
            skip("the live TLS handshakes with z/OSMF and static services", because: truststoreProblem ?? "the truststore cannot be read")
            return
        }
        let endpoints = check.southbound
        let anchors = truststore.map(\.certificate.der)
        let timeout = check.handshakeTimeoutMilliseconds
        let results = HandshakeResults()
        if endpoints.count == 1 {
            results.set(0, TLSProbe.handshake(host: endpoints[0].host, port: endpoints[0].port, anchors: anchors, timeoutMilliseconds: timeout))
        } else {
            // One thread each, side by side, so that several silent services cost one time limit,
            // not one each. Not the Dispatch pool: it does not grow for threads blocked in poll().
            let group = DispatchGroup()
            for (index, endpoint) in endpoints.enumerated() {
                group.enter()
                Thread {
                    results.set(index, TLSProbe.handshake(host: endpoint.host, port: endpoint.port, anchors: anchors, timeoutMilliseconds: timeout))
                    group.leave()
                }.start()
            }
            group.wait()
        }
        for (index, endpoint) in endpoints.enumerated() {
            guard let result = results.get(index) else { continue }
            judge(endpoint, result, timeoutMilliseconds: timeout)
        }
    }

    private mutating func judge(_ endpoint: SouthboundEndpoint, _ result: Result<TLSProbe.Peer, TLSProbe.HandshakeFailure>, timeoutMilliseconds: Int) {
        var values = [
            "what": endpoint.what, "host": endpoint.host, "port": "\(endpoint.port)", "location": endpoint.location,
        ]
        let peer: TLSProbe.Peer
        switch result {
        case .success(let presented):
            peer = presented
        case .failure(let failure) where failure.isUnreachable:
            values["reason"] = failure.reason
            values["seconds"] = timeoutMilliseconds % 1000 == 0 ? "\(timeoutMilliseconds / 1000)" : "\(Double(timeoutMilliseconds) / 1000)"
            add(9, MessageCatalog.southboundUnreachable, values, location: endpoint.location)
            return
        case .failure(let failure):
            values["reason"] = failure.reason
            add(9, MessageCatalog.southboundNotTLS, values, location: endpoint.location)
            return
        }
        guard let leafDER = peer.chain.first, let leaf = parse(leafDER) else {
            values["reason"] = "the certificate it presents is not valid X.509"
            add(9, MessageCatalog.southboundNotTLS, values, location: endpoint.location)
            return
        }
        if let reason = peer.untrustedReason {
            values.merge([
                "subject": leaf.subjectText, "issuer": leaf.issuerText, "reason": reason,
                "mode": verifyMode.rawValue, "truststore": truststorePath,
            ]) { $1 }
            switch endpoint.kind {
            case .zosmf:
                add(9, MessageCatalog.southboundZosmfUntrusted, values, location: endpoint.location)
            case .staticService(let id):
                values["service"] = id
                add(9, MessageCatalog.southboundServiceUntrusted, values, location: endpoint.location)
            }
        }
        // A different cause with a different fix: reported even when the chain is untrusted too.
        if verifyMode == .strict {
            let names = ValidationHostnames(leaf)
            if !names.covers(endpoint.host) {
                values["names"] = names.listed
                add(9, MessageCatalog.southboundHostMismatch, values, location: endpoint.location)
            }
        }
    }
}
