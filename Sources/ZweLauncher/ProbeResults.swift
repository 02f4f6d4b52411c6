import Foundation
import ZwePKCS12

/// Health-check results handed from the worker threads to the supervisor's thread.
final class ProbeResults: @unchecked Sendable {
    struct Result {
        var id: String
        var generation: Int
        /// A liveness check of a READY component, not a readiness check of a starting one.
        var liveness: Bool
        var outcome: Swift.Result<Int, TLSProbe.Failure>
    }

    private let lock = NSLock()
    private var pending: [Result] = []

    func append(_ result: Result) {
        append(contentsOf: [result])
    }

    /// Several results at once: a `take` gets all of them or none.
    func append(contentsOf results: [Result]) {
        lock.lock()
        pending.append(contentsOf: results)
        lock.unlock()
    }

    func take() -> [Result] {
        lock.lock()
        defer { lock.unlock() }
        let taken = pending
        pending.removeAll()
        return taken
    }
}
