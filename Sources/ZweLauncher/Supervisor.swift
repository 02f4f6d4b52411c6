import CZweProcess
import Foundation
import ZweConfiguration
import ZweMessages
import ZwePreflight
import ZweProcess

/// The launcher's event loop, one dedicated thread for the launcher's whole life (it forks the
/// components, and a parent-death signal is tied to the forking thread). It sleeps in
/// epoll_wait until something happens: a child exits (pidfd), a child writes output (pipe),
/// an operator connects (control socket), a signal arrives (self-pipe), a health check ends
/// (eventfd), a metrics scrape comes (ZWE_METRICS_PORT), or the next timer is due. No
/// polling: an idle launcher does not wake up. This file owns the supervisor's state, the
/// loop and the dispatch of each event source; the `Supervisor+*` files hold what each
/// event leads to (starting, health, exits, stopping, control, metrics, timers, files).
final class Supervisor: @unchecked Sendable {  // used from its own thread only
    let files: InstanceFiles
    var plan: LaunchPlan
    let log: LauncherLog
    let environment: [String: String]
    let haInstance: String
    let startedAt = Supervisor.now()
    /// Read at every status request, so that a renewal shows at once.
    var certificateExpiresInDays: () -> Int? = { nil }
    /// systemd's notification socket, when the launcher is the main process of a unit.
    var notifier: ServiceNotifier?

    var managed: [String: ManagedComponent] = [:]
    var order: [String] = []
    var anchors: [[UInt8]] = []
    var runAs: (uid: uid_t, gid: gid_t)?

    var epoll: Int32 = -1
    var signalFD: Int32 = -1
    var wakeFD: Int32 = -1
    var listenFD: Int32 = -1
    var metricsFD: Int32 = -1
    enum Source { case signal, wake, listener, pidfd(String), output(String), metricsListener, metricsClient }
    var sources: [Int32: Source] = [:]

    struct Timer { var id: Int; var deadline: Double; var action: () -> Void }
    var timers: [Timer] = []
    var nextTimerID = 0

    let probeResults = ProbeResults()
    var stopping = false
    var stopTimeoutOverride: Int?
    var finished = false
    var allReadyAnnounced = false
    /// Control connections of `wait-ready` requests, answered once the start has settled.
    var readyWaiters: [Int32] = []
    var metrics = LauncherMetrics(components: [])
    var metricsClients: [Int32: MetricsClient] = [:]
    /// The timer of the next liveness round, while one is due.
    var livenessRoundTimer: Int?
    /// When the liveness round in flight began; nil while none is.
    var livenessRoundStartedAt: Double?

    init(plan: LaunchPlan, files: InstanceFiles, log: LauncherLog, environment: [String: String], haInstance: String) {
        self.plan = plan
        self.files = files
        self.log = log
        self.environment = environment
        self.haInstance = haInstance
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    // MARK: - Life

    /// Runs until the instance is stopped. Returns the exit status of the launcher.
    func run() -> Int32 {
        log.write(Diagnostic(MessageCatalog.launcherStarting))
        log.write(Diagnostic(MessageCatalog.haInstance, ["id": haInstance]))
        runAs = Self.componentUser(plan.instanceValues)
        if let runAs, let name = getpwuid(runAs.uid).map({ String(cString: $0.pointee.pw_name) }) {
            log.write(Diagnostic(MessageCatalog.componentSpawnedAs, ["id": "every component", "user": name]))
        }
        for component in plan.components {
            let componentLog = RotatingLog(path: files.componentLog(component.id), maxBytes: plan.logMaxBytes, keep: plan.logKeep)
            managed[component.id] = ManagedComponent(component: component, log: componentLog)
            order.append(component.id)
        }
        metrics = LauncherMetrics(components: order)
        do {
            try openEventSources()
        } catch {
            log.write(level: "ERROR", text: "ZWEL1605E the launcher cannot open its event sources: \(error)")
            return 1
        }
        writeStateFile()
        InstanceRegistry.register(.init(instance: plan.instanceDirectory, jobName: plan.launcherJobName, launcherPid: getpid(), ports: ports(),
                                        haInstance: files.haInstance, bindAddress: plan.bindAddress), environment: environment)
        log.write(Diagnostic(MessageCatalog.componentsStarting))
        notify(["STATUS=Starting \(managed.count) components"])
        startEligible()
        // The health checks' trust anchors (the truststore, decrypted) are read while the first
        // components start: the first check is due only after `probeInterval`.
        anchors = SupervisorTrust.anchors(plan)

        var ready = [Int32](repeating: 0, count: 64)
        while !finished {
            let timeout = nextTimeoutMilliseconds()
            let count = zwe_epoll_wait(epoll, &ready, Int32(ready.count), timeout)
            if count < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in 0..<Int(count) {
                let fd = ready[index]
                guard let source = sources[fd] else { continue }
                handle(source, fd: fd)
            }
            runDueTimers()
            if !readyWaiters.isEmpty { answerReadyWaiters() }
        }
        for client in readyWaiters { close(client) }
        readyWaiters = []
        for fd in Array(metricsClients.keys) { closeMetricsClient(fd) }
        cleanUpFiles()
        log.write(Diagnostic(MessageCatalog.launcherStopped))
        return 0
    }

    func openEventSources() throws {
        epoll = zwe_epoll_create()
        guard epoll >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        let signals: [Int32] = [SIGTERM, SIGINT, SIGHUP]
        signal(SIGPIPE, SIG_IGN)
        signalFD = signals.withUnsafeBufferPointer { zwe_signal_pipe($0.baseAddress, Int32($0.count)) }
        wakeFD = zwe_eventfd()
        listenFD = try openControlSocket()
        add(signalFD, .signal)
        add(wakeFD, .wake)
        add(listenFD, .listener)
        openMetricsEndpoint()
    }

    func add(_ fd: Int32, _ source: Source) {
        zwe_epoll_add(epoll, fd)
        sources[fd] = source
    }

    func remove(_ fd: Int32) {
        guard fd >= 0 else { return }
        zwe_epoll_remove(epoll, fd)
        sources[fd] = nil
        close(fd)
    }

    func handle(_ source: Source, fd: Int32) {
        switch source {
        case .signal:
            var byte: UInt8 = 0
            while read(fd, &byte, 1) == 1 {
                if Int32(byte) == SIGHUP { continue }  // no reload yet: ignore rather than die
                beginStop(reason: "signal \(Spawner.ExitStatus.name(of: Int32(byte)))")
            }
        case .wake:
            var counter: UInt64 = 0
            _ = read(fd, &counter, 8)
            let results = probeResults.take()
            for result in results { probeFinished(result) }
            // A liveness round reports all its results at once: it has ended.
            if results.contains(where: \.liveness) { livenessRoundEnded() }
        case .listener:
            acceptControlConnections()
        case .pidfd(let id):
            childExited(id)
        case .output(let id):
            drainOutput(id)
        case .metricsListener:
            acceptMetricsClients()
        case .metricsClient:
            serveMetricsClient(fd)
        }
    }

    /// Tells systemd, when there is a notification socket; a failure is only logged.
    func notify(_ lines: [String]) {
        guard let notifier else { return }
        if !notifier.send(lines) {
            log.debug("notification \(lines.joined(separator: " ")) not sent to NOTIFY_SOCKET: \(String(cString: strerror(errno)))")
        }
    }
}
