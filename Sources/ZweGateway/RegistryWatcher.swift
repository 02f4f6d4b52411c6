import Logging
import ServiceLifecycle
import ZweComponentRuntime
import ZweMessages

/// Keeps the route table in step with discovery as a Eureka client does: the whole registry
/// first, then its delta every refresh period, applied to the table and checked against the
/// registry's `apps__hashcode`; a mismatch (a missed delta) reads the whole registry again.
/// Deltas keep a refresh cheap when thousands of instances are registered. While no discovery
/// service answers, the last table stays in use.
final class RegistryWatcher: Service, Sendable {
    let routing: Routing
    let client: SouthboundClient
    let discoveryServices: [String]
    let refresh: Duration
    let logger: Logger
    /// One read of the registry. With one discovery service it may take long (a large
    /// registry); with several, another one is asked sooner when this one does not answer.
    var readTimeout: Duration { discoveryServices.count > 1 ? .seconds(5) : .seconds(10) }

    init(routing: Routing, client: SouthboundClient, discoveryServices: [String], refresh: Duration, logger: Logger) {
        self.routing = routing
        self.client = client
        self.discoveryServices = discoveryServices
        self.refresh = refresh
        self.logger = logger
    }

    func run() async throws {
        guard !discoveryServices.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        try? await cancelWhenGracefulShutdown {
            // The discovery service the table came from: deltas only fit their own registry.
            var source: String?
            // The one that failed last is asked last: a discovery service whose host is cut off
            // must not cost every refresh a timeout while another one answers.
            var failed: String?
            var warned: String?
            while !Task.isCancelled {
                do {
                    if let base = source {
                        try await self.applyDelta(from: base)
                    } else {
                        source = try await self.readWhole(avoiding: failed)
                        warned = nil
                    }
                    self.routing.discoveryReachable.store(true, ordering: .relaxed)
                } catch let failure as ReadFailure {
                    if source != nil { failed = source }
                    source = nil
                    self.routing.discoveryReachable.store(false, ordering: .relaxed)
                    if warned != failure.reason {
                        warned = failure.reason
                        self.logger.warning("\(Diagnostic(MessageCatalog.gatewayRegistryUnreachable, ["reason": failure.reason]))")
                    }
                } catch {
                    return
                }
                try await Task.sleep(for: self.refresh)
            }
        }
    }

    struct ReadFailure: Error {
        let reason: String
    }

    /// Reads `GET /eureka/apps` from the first discovery service that answers; returns its base URL.
    /// - Parameter announce: log ZWEL1801I; not for the re-reads after a delta that did not fit.
    private func readWhole(announce: Bool = true, avoiding failed: String? = nil) async throws -> String {
        var reasons: [String] = []
        let ordered = discoveryServices.filter { $0 != failed } + discoveryServices.filter { $0 == failed }
        for base in ordered {
            do {
                let applications = try await read(base + "apps")
                let table = RouteTable(applications.instances, previous: routing.table)
                routing.publish(table)
                let read = Diagnostic(MessageCatalog.gatewayRegistryRead, [
                    "services": "\(table.services.count)", "instances": "\(table.instances.count)", "url": base,
                ])
                if announce { logger.info("\(read)") } else { logger.debug("\(read)") }
                return base
            } catch let failure as ReadFailure {
                reasons.append("\(base): \(failure.reason)")
            }
        }
        throw ReadFailure(reason: reasons.joined(separator: "; "))
    }

    private func applyDelta(from base: String) async throws {
        let delta = try await read(base + "apps/delta")
        let table = routing.table.applying(delta.instances)
        if table.hashcode == delta.appsHashcode {
            if !delta.instances.isEmpty { routing.publish(table) }
            return
        }
        // The delta does not lead to the registry's state: a change fell out of the delta window.
        logger.debug("registry delta from \(base) does not match (\(table.hashcode) vs \(delta.appsHashcode)); reading it whole")
        _ = try await readWhole(announce: false, avoiding: nil)
    }

    private func read(_ url: String) async throws -> EurekaApplications {
        let response: SouthboundResponse
        do {
            response = try await client.request(
                "GET", url, headers: [("Accept", "application/json")], timeout: readTimeout, maxBodyBytes: 256 * 1024 * 1024)
        } catch {
            if error.kind == .cancelled { throw CancellationError() }
            throw ReadFailure(reason: error.reason)
        }
        guard response.status == 200 else { throw ReadFailure(reason: "HTTP status \(response.status)") }
        do {
            return try EurekaApplications.parse(response.bytes)
        } catch {
            throw ReadFailure(reason: error.reason)
        }
    }
}
