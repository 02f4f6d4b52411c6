// Replication between the discovery services of ZWE_DISCOVERY_SERVICES_LIST, the way Eureka's
// peers keep each other's registries: every change a client makes at this service
// (registration, renewal, cancellation, status override) is sent on to each peer with the
// header `x-netflix-discovery-replication: true`, and a replicated change is applied without
// being sent on again. Evictions are not replicated: each peer evicts by its own leases. A
// peer that does not know an instance answers a replicated renewal 404, and gets the whole
// registration instead; that is how a peer that was down, or cut off, catches up within one
// renewal interval once it answers again.

import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import ZweComponentRuntime
import ZweMessages

/// A change to send on: which instance, and what happened to it.
struct ReplicatedChange: Sendable {
    enum Kind: Sendable {
        case register
        case renew(status: InstanceStatus?, lastDirtyTimestamp: Int64?)
        case cancel
        case overrideStatus(InstanceStatus)
        case removeOverride
    }

    let app: String
    let id: String
    let kind: Kind

    static func register(app: String, id: String) -> Self { Self(app: app, id: id, kind: .register) }
    static func renew(app: String, id: String, status: InstanceStatus?, lastDirtyTimestamp: Int64?) -> Self {
        Self(app: app, id: id, kind: .renew(status: status, lastDirtyTimestamp: lastDirtyTimestamp))
    }
    static func cancel(app: String, id: String) -> Self { Self(app: app, id: id, kind: .cancel) }
    static func overrideStatus(app: String, id: String, status: InstanceStatus) -> Self { Self(app: app, id: id, kind: .overrideStatus(status)) }
    static func removeOverride(app: String, id: String) -> Self { Self(app: app, id: id, kind: .removeOverride) }

    /// Changes waiting for one peer are kept per key: a later one replaces an earlier one of
    /// the same key, so that a peer that is slow or away costs one entry per instance.
    var key: String {
        switch kind {
        case .overrideStatus, .removeOverride: "\(app)/\(id)#status"
        default: "\(app)/\(id)"
        }
    }
}

/// The header that marks a change as replicated: such a change is not sent on again.
let replicationHeader = "x-netflix-discovery-replication"

final class PeerReplication: Service, Sendable {
    let peers: [Peer]
    let registry: Registry
    let client: SouthboundClient
    let component: String
    let logger: Logger
    /// One replicated request; a peer that is cut off must not hold the others' changes long.
    static let requestTimeout: Duration = .seconds(3)

    init(peers: [String], registry: Registry, client: SouthboundClient, component: String, logger: Logger) {
        self.peers = peers.map(Peer.init(base:))
        self.registry = registry
        self.client = client
        self.component = component
        self.logger = logger
    }

    /// The peers of this service: the list's URLs but its own (the same port, and a host that
    /// names this system: as the instance does, or the system's host name, alone or as the
    /// first label of a longer name, as a StatefulSet pod `discovery-0` is listed by
    /// `discovery-0.discovery-headless.NS.svc.cluster.local`).
    static func peers(of list: [String], ownPort: Int, ownHosts: Set<String>, hostName: String? = nil) -> [String] {
        let system = hostName?.lowercased().split(separator: ".").first.map(String.init)
        return list.filter { base in
            guard let url = URLComponents(string: base), let host = url.host?.lowercased() else { return false }
            let port = url.port ?? 443
            let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
            let named = ownHosts.contains(bare) || system.map { bare == $0 || bare.hasPrefix($0 + ".") } == true
            return !(port == ownPort && named)
        }
    }

    func replicate(_ change: ReplicatedChange) {
        for peer in peers { peer.enqueue(change) }
    }

    func run() async {
        await withTaskGroup(of: Void.self) { group in
            for peer in peers {
                group.addTask { await self.serve(peer) }
            }
            // Each peer's loop ends with the stream; the stream ends at the graceful shutdown.
            group.addTask {
                try? await gracefulShutdown()
                for peer in self.peers { peer.finish() }
            }
        }
    }

    private func serve(_ peer: Peer) async {
        var down: String?
        var pause = Duration.milliseconds(250)
        for await _ in peer.wakeUps {
            while true {
                let batch = peer.take()
                if batch.isEmpty { break }
                var failure: String?
                for change in batch {
                    if let reason = await send(change, to: peer) {
                        failure = reason
                        break
                    }
                }
                if let failure {
                    // The rest of the batch is dropped: the peer learns the instances again from
                    // their renewals once it answers.
                    peer.dropPending()
                    if down != failure {
                        logger.warning("\(Diagnostic(MessageCatalog.discoveryPeerUnreachable, ["component": component, "url": peer.base, "reason": failure]))")
                        down = failure
                    }
                    try? await Task.sleep(for: pause)
                    pause = min(pause * 2, .seconds(5))
                    break
                }
                if down != nil {
                    logger.info("\(Diagnostic(MessageCatalog.discoveryPeerBack, ["component": component, "url": peer.base]))")
                    down = nil
                }
                pause = .milliseconds(250)
            }
        }
    }

    /// Sends one change; returns why the peer could not take it, nil when it did (or when the
    /// change no longer applies).
    private func send(_ change: ReplicatedChange, to peer: Peer) async -> String? {
        let instanceURL = peer.base + "apps/" + change.app + "/" + EurekaClient.quote(change.id)
        let headers = [(replicationHeader, "true"), ("Accept", "application/json")]
        // Everything but a registration is one request to the instance's URL.
        let method: String, url: String
        switch change.kind {
        case .register:
            return await register(app: change.app, id: change.id, to: peer)
        case .renew(let status, let dirty):
            var query: [String] = []
            if let status { query.append("status=\(status.rawValue)") }
            if let dirty { query.append("lastDirtyTimestamp=\(dirty)") }
            (method, url) = ("PUT", query.isEmpty ? instanceURL : instanceURL + "?" + query.joined(separator: "&"))
        case .cancel:
            (method, url) = ("DELETE", instanceURL)
        case .overrideStatus(let status):
            (method, url) = ("PUT", instanceURL + "/status?value=\(status.rawValue)")
        case .removeOverride:
            (method, url) = ("DELETE", instanceURL + "/status")
        }
        do {
            let response = try await client.request(method, url, headers: headers, timeout: Self.requestTimeout, maxBodyBytes: 64 * 1024)
            // A renewal the peer cannot place (it was away, or evicted the instance): all of it.
            if case .renew = change.kind, response.status == 404 { return await register(app: change.app, id: change.id, to: peer) }
            return nil
        } catch {
            return error.reason
        }
    }

    private func register(app: String, id: String, to peer: Peer) async -> String? {
        // The registration as this registry holds it now; gone meanwhile: nothing to send.
        guard let info = registry.instance(app: app, id: id) else { return nil }
        let body = Array(registry.instanceBody(info, .json).readableBytesView)
        do {
            let response = try await client.request(
                "POST", peer.base + "apps/" + app,
                headers: [(replicationHeader, "true"), ("Content-Type", "application/json"), ("Accept", "application/json")],
                body: body, timeout: Self.requestTimeout, maxBodyBytes: 64 * 1024)
            if !(200..<300).contains(response.status) {
                logger.debug("peer \(peer.base) refused the registration of \(id): HTTP status \(response.status)")
            }
            return nil
        } catch {
            return error.reason
        }
    }
}

/// One peer: its base URL (`https://host:port/eureka/`) and the changes waiting for it.
final class Peer: Sendable {
    let base: String
    let wakeUps: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let pending = Mutex<(order: [String], changes: [String: ReplicatedChange])>(([], [:]))

    init(base: String) {
        self.base = base.hasSuffix("/") ? base : base + "/"
        (wakeUps, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func enqueue(_ change: ReplicatedChange) {
        pending.withLock { pending in
            let key = change.key
            if let waiting = pending.changes[key] {
                // A renewal does not replace a registration that has not gone out yet.
                if case .register = waiting.kind, case .renew = change.kind { return }
            } else {
                pending.order.append(key)
            }
            pending.changes[key] = change
        }
        wake.yield()
    }

    /// Everything waiting, oldest first.
    func take() -> [ReplicatedChange] {
        pending.withLock { pending in
            let batch = pending.order.compactMap { pending.changes[$0] }
            pending = ([], [:])
            return batch
        }
    }

    func dropPending() {
        pending.withLock { $0 = ([], [:]) }
    }

    func finish() { wake.finish() }
}
