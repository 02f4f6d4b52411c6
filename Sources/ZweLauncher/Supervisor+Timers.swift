import Foundation

/// The supervisor's timers: one-shot actions kept in a list, due at a monotonic deadline. The
/// event loop sleeps exactly until the earliest of them (or without a timeout when there is
/// none) and runs the due ones after each wake-up; nothing else keeps time.
extension Supervisor {
    @discardableResult
    func schedule(after seconds: Double, _ action: @escaping () -> Void) -> Int {
        nextTimerID += 1
        timers.append(Timer(id: nextTimerID, deadline: Self.now() + seconds, action: action))
        return nextTimerID
    }

    func cancel(_ id: Int?) {
        guard let id else { return }
        timers.removeAll { $0.id == id }
    }

    func nextTimeoutMilliseconds() -> Int32 {
        guard let next = timers.map(\.deadline).min() else { return -1 }
        return Int32(max(0, min((next - Self.now()) * 1000, 3_600_000)).rounded(.up))
    }

    func runDueTimers() {
        let now = Self.now()
        let due = timers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
        timers.removeAll { $0.deadline <= now }
        for timer in due { timer.action() }
    }
}
