import CZweProcess
import Foundation
import ZweConfiguration
import ZweMessages
import ZwePKCS12
import ZwePreflight
import ZweProcess

/// The launcher's event loop, one dedicated thread for the launcher's whole life (it forks the
/// components, and a parent-death signal is tied to the forking thread). It sleeps in
/// epoll_wait until something happens: a child exits (pidfd), a child writes output (pipe),
/// an operator connects (control socket), a signal arrives (self-pipe), a health check ends
/// (eventfd), a metrics scrape comes (ZWE_METRICS_PORT), or the next timer is due. No
/// polling: an idle launcher does not wake up.
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

    private var managed: [String: ManagedComponent] = [:]
    private var order: [String] = []
    private var anchors: [[UInt8]] = []
    private var runAs: (uid: uid_t, gid: gid_t)?

    private var epoll: Int32 = -1
    private var signalFD: Int32 = -1
    private var wakeFD: Int32 = -1
    private var listenFD: Int32 = -1
    private var metricsFD: Int32 = -1
    private enum Source { case signal, wake, listener, pidfd(String), output(String), metricsListener, metricsClient }
    private var sources: [Int32: Source] = [:]

    private struct Timer { var id: Int; var deadline: Double; var action: () -> Void }
    private var timers: [Timer] = []
    private var nextTimerID = 0

    private let probeResults = ProbeResults()
    private var stopping = false
    private var stopTimeoutOverride: Int?
    private var finished = false
    private var allReadyAnnounced = false
    /// Control connections of `wait-ready` requests, answered once the start has settled.
    private var readyWaiters: [Int32] = []
    private var metrics = LauncherMetrics(components: [])
    private var metricsClients: [Int32: MetricsClient] = [:]

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
        anchors = SupervisorTrust.anchors(plan.certificateValues)

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

    private func openEventSources() throws {
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

    private func add(_ fd: Int32, _ source: Source) {
        zwe_epoll_add(epoll, fd)
        sources[fd] = source
    }

    private func remove(_ fd: Int32) {
        guard fd >= 0 else { return }
        zwe_epoll_remove(epoll, fd)
        sources[fd] = nil
        close(fd)
    }

    private func handle(_ source: Source, fd: Int32) {
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
            for result in probeResults.take() { probeFinished(result) }
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
    private func notify(_ lines: [String]) {
        guard let notifier else { return }
        if !notifier.send(lines) {
            log.debug("notification \(lines.joined(separator: " ")) not sent to NOTIFY_SOCKET: \(String(cString: strerror(errno)))")
        }
    }

    // MARK: - Timers

    @discardableResult
    private func schedule(after seconds: Double, _ action: @escaping () -> Void) -> Int {
        nextTimerID += 1
        timers.append(Timer(id: nextTimerID, deadline: Self.now() + seconds, action: action))
        return nextTimerID
    }

    private func cancel(_ id: Int?) {
        guard let id else { return }
        timers.removeAll { $0.id == id }
    }

    private func nextTimeoutMilliseconds() -> Int32 {
        guard let next = timers.map(\.deadline).min() else { return -1 }
        return Int32(max(0, min((next - Self.now()) * 1000, 3_600_000)).rounded(.up))
    }

    private func runDueTimers() {
        let now = Self.now()
        let due = timers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
        timers.removeAll { $0.deadline <= now }
        for timer in due { timer.action() }
    }

    // MARK: - Starting

    /// Spawns every component whose dependencies are READY and that waits for them.
    private func startEligible() {
        guard !stopping else { return }
        for id in order {
            guard let item = managed[id], item.waitingForDependencies, item.state == .starting else { continue }
            let ready = item.component.dependsOn.allSatisfy { managed[$0].map { $0.state == .ready } ?? true }
            if ready { spawn(item) }
        }
    }

    private func spawn(_ item: ManagedComponent) {
        item.waitingForDependencies = false
        if item.spawnCount > 0 { refreshConfiguration(item) }
        item.spawnCount += 1
        writeSnapshot(item)
        guard let script = item.component.startScript else {
            startFailed(item, reason: "commands.start is not set")
            return
        }
        var pipeEnds: [Int32] = [0, 0]
        guard zwe_pipe_cloexec(&pipeEnds) == 0 else {
            startFailed(item, reason: String(cString: strerror(errno)))
            return
        }
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(script), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = item.component.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = zwe_spawn_supervised(script, argv, envp, item.component.directory, pipeEnds[1],
                                          runAs == nil ? 0 : 1, runAs?.uid ?? 0, runAs?.gid ?? 0, &pid)
        close(pipeEnds[1])
        guard result == 0 else {
            close(pipeEnds[0])
            startFailed(item, reason: String(cString: strerror(result)))
            return
        }
        let flags = fcntl(pipeEnds[0], F_GETFL)
        _ = fcntl(pipeEnds[0], F_SETFL, flags | O_NONBLOCK)
        item.pid = pid
        item.outputFD = pipeEnds[0]
        add(pipeEnds[0], .output(item.id))
        item.pidfd = zwe_pidfd_open(pid)
        if item.pidfd >= 0 { add(item.pidfd, .pidfd(item.id)) }
        item.state = .starting
        item.health = "DOWN"
        item.startedAt = Self.now()
        item.readyDeadline = Self.now() + Double(item.component.readyTimeout)
        item.reportedNotReady = false
        item.expectingExit = false
        item.probeGeneration += 1
        log.write(Diagnostic(MessageCatalog.componentStarted, ["id": item.id, "job": item.component.jobName, "pid": "\(pid)"]))
        log.debug("\(item.id) spawned as \(item.component.jobName), pid \(pid)")
        writeStateFile()
        scheduleProbe(item, after: Self.probeInterval)
    }

    private func startFailed(_ item: ManagedComponent, reason: String) {
        log.write(Diagnostic(MessageCatalog.componentStartFailed, ["id": item.id, "reason": reason]))
        item.lastExitStatus = "exit 127"
        crashed(item, uptime: 0)
    }

    /// A restart takes the configuration as it is now (a corrected instance.env applies).
    private func refreshConfiguration(_ item: ManagedComponent) {
        let result = LaunchPlanner.plan(instanceDirectory: plan.instanceDirectory, haInstance: haInstance, environment: environment, programRuntime: plan.rootDirectory)
        if let fresh = result.plan?.components.first(where: { $0.id == item.id }), result.findings.allSatisfy({ $0.severity != .error }) {
            item.component = fresh
        } else {
            log.write(Diagnostic(MessageCatalog.configurationReread, ["id": item.id]))
        }
    }

    private func writeSnapshot(_ item: ManagedComponent) {
        let path = files.snapshot(item.id, ha: haInstance)
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = path + ".tmp"
        if FileManager.default.createFile(atPath: temporary, contents: Data(item.component.snapshot.utf8), attributes: [.posixPermissions: 0o600]) {
            rename(temporary, path)
        }
    }

    // MARK: - Health

    /// Between health checks while a component starts. A check before the port is open is a
    /// refused connection, which costs next to nothing; checking often takes little off the
    /// time the component needs, so that READY follows its start closely.
    static let probeInterval = 0.01

    private func scheduleProbe(_ item: ManagedComponent, after delay: Double) {
        let generation = item.probeGeneration
        schedule(after: delay) { [weak self, weak item] in
            guard let self, let item, item.probeGeneration == generation, item.isRunning, item.state == .starting else { return }
            self.launchProbe(item)
        }
    }

    private func launchProbe(_ item: ManagedComponent) {
        guard let port = item.component.port, let path = item.component.healthPath else {
            // Nothing to check: running is all we can know.
            markReady(item)
            return
        }
        let address = plan.loopbackAddress
        let anchors = anchors
        let generation = item.probeGeneration
        let results = probeResults
        let wake = wakeFD
        let id = item.id
        // A thread of its own, not a Dispatch queue: the first use of Dispatch's global queues
        // starts its thread-pool monitor, a timer that wakes the process every second for good.
        let thread = Thread {
            let outcome = TLSProbe.get(address: address, port: port, path: path, anchors: anchors, timeoutMilliseconds: 1000)
            results.append(ProbeResults.Result(id: id, generation: generation, outcome: outcome))
            var one: UInt64 = 1
            _ = write(wake, &one, 8)
        }
        thread.start()
    }

    private func probeFinished(_ result: ProbeResults.Result) {
        guard let item = managed[result.id], item.probeGeneration == result.generation, item.isRunning, item.state == .starting else { return }
        switch result.outcome {
        case .success(let status) where (200..<300).contains(status):
            markReady(item)
        case .success(let status):
            retryProbe(item, reason: "health check answered HTTP \(status)")
        case .failure(let failure):
            retryProbe(item, reason: failure.reason)
        }
    }

    private func retryProbe(_ item: ManagedComponent, reason: String) {
        let now = Self.now()
        if let deadline = item.readyDeadline, now >= deadline, !item.reportedNotReady {
            item.reportedNotReady = true
            log.write(Diagnostic(MessageCatalog.componentNotReady, ["id": item.id, "seconds": "\(item.component.readyTimeout)", "reason": reason]))
        }
        // Quick checks while a start is expected to finish, then a slow watch.
        let elapsed = now - (item.startedAt ?? now)
        scheduleProbe(item, after: elapsed < 5 ? Self.probeInterval : (item.reportedNotReady ? 2 : 0.25))
    }

    private func markReady(_ item: ManagedComponent) {
        item.state = .ready
        item.health = "UP"
        item.readySeconds = Self.now() - (item.startedAt ?? Self.now())
        let milliseconds = Int(((item.readySeconds ?? 0) * 1000).rounded())
        log.write(Diagnostic(MessageCatalog.componentReady, ["id": item.id, "milliseconds": "\(milliseconds)"]))
        startEligible()
        if !allReadyAnnounced, managed.values.allSatisfy({ $0.state == .ready }) {
            allReadyAnnounced = true
            log.write(Diagnostic(MessageCatalog.componentsStartedAll))
            notify(["READY=1", "STATUS=All \(managed.count) components READY"])
        } else {
            notify(["STATUS=\(managed.values.filter { $0.state == .ready }.count) of \(managed.count) components READY"])
        }
    }

    // MARK: - Exits

    private func childExited(_ id: String) {
        guard let item = managed[id], let pid = item.pid else { return }
        let status = Spawner.wait(pid)
        remove(item.pidfd)
        item.pidfd = -1
        drainOutput(id)
        // Whatever the component left in its process group goes with it.
        kill(-pid, SIGKILL)
        item.pid = nil
        item.lastExitStatus = status.text
        item.health = "DOWN"
        cancel(item.killTimer)
        item.killTimer = nil
        let uptime = Self.now() - (item.startedAt ?? Self.now())
        writeStateFile()
        if item.expectingExit {
            item.expectingExit = false
            item.state = .stopped
            item.health = "UNKNOWN"
            log.write(Diagnostic(MessageCatalog.componentStopped, ["id": id]))
            if item.restartAfterExit {
                item.restartAfterExit = false
                item.failCount = 0
                spawn(item)
            }
            if stopping { continueStop() }
            return
        }
        log.write(Diagnostic(MessageCatalog.componentTerminated, ["id": id, "pid": "\(pid)", "status": status.exitCode.map(String.init) ?? status.text]))
        crashed(item, uptime: uptime)
    }

    /// Every exit not asked for is a crash, status 0 included.
    private func crashed(_ item: ManagedComponent, uptime: Double) {
        guard !stopping else {
            item.state = .stopped
            continueStop()
            return
        }
        item.failCount = uptime >= Double(item.component.minUptime) ? 1 : item.failCount + 1
        let intervals = item.component.restartIntervals
        guard item.failCount <= intervals.count else {
            item.state = .failed
            log.write(Diagnostic(MessageCatalog.maxRetriesReached, ["id": item.id]))
            notify(["STATUS=Component \(item.id) FAILED: max retries reached"])
            return
        }
        let delay = intervals[item.failCount - 1]
        notify(["STATUS=Component \(item.id) ended; restart in \(delay) s"])
        item.state = .restarting
        log.write(Diagnostic(MessageCatalog.componentRestartScheduled, ["id": item.id, "seconds": "\(delay)"]))
        item.restartTimer = schedule(after: Double(delay)) { [weak self, weak item] in
            guard let self, let item, item.state == .restarting, !self.stopping else { return }
            item.restartTimer = nil
            item.restarts += 1
            self.metrics.restarted(item.id)
            self.spawn(item)
        }
    }

    private func drainOutput(_ id: String) {
        guard let item = managed[id], item.outputFD >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(item.outputFD, &buffer, buffer.count)
            if count > 0 {
                item.splitter.feed(buffer[0..<count])
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            // End of output: every writer is gone.
            item.splitter.flush()
            remove(item.outputFD)
            item.outputFD = -1
            return
        }
    }

    // MARK: - Stopping

    private func stopComponent(_ item: ManagedComponent, timeout: Int) {
        cancel(item.restartTimer)
        item.restartTimer = nil
        guard let pid = item.pid else {
            item.state = .stopped
            item.waitingForDependencies = false
            return
        }
        item.expectingExit = true
        kill(-pid, SIGTERM)  // the component leads its own process group
        cancel(item.killTimer)
        item.killTimer = schedule(after: Double(timeout)) { [weak self, weak item] in
            guard let self, let item, let running = item.pid, item.expectingExit else { return }
            self.log.write(Diagnostic(MessageCatalog.componentKilled, ["id": item.id, "pid": "\(running)", "seconds": "\(timeout)"]))
            kill(-running, SIGKILL)
        }
    }

    private func beginStop(reason: String) {
        guard !stopping else { return }
        stopping = true
        notify(["STOPPING=1", "STATUS=Stopping components"])
        log.write(Diagnostic(MessageCatalog.launcherStopping))
        log.debug("stop requested by \(reason)")
        log.write(Diagnostic(MessageCatalog.componentsStopping))
        for item in managed.values {
            cancel(item.restartTimer)
            item.restartTimer = nil
            if !item.isRunning { item.state = .stopped }
        }
        continueStop()
    }

    /// Stops the deepest running components first; the next level when they are gone.
    private func continueStop() {
        let running = managed.values.filter(\.isRunning)
        if running.isEmpty {
            log.write(Diagnostic(MessageCatalog.componentsStoppedAll))
            finished = true
            return
        }
        let deepest = running.map { $0.depth(in: managed) }.max() ?? 0
        for item in running where item.depth(in: managed) == deepest && !item.expectingExit {
            stopComponent(item, timeout: stopTimeoutOverride ?? item.component.shutdownTimeout)
        }
    }

    private func cleanUpFiles() {
        for fd in [listenFD, signalFD, wakeFD, metricsFD] where fd >= 0 { close(fd) }
        unlink(files.socket)
        unlink(files.pid)
        unlink(files.state)
        unlink(files.lock)
        InstanceRegistry.unregister(instance: plan.instanceDirectory, haInstance: files.haInstance, environment: environment)
    }

    // MARK: - Operator commands

    private func openControlSocket() throws -> Int32 {
        unlink(files.socket)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(files.socket.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw POSIXError(.ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        // Owner-only from the first moment: no window in which others could connect.
        let previous = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(previous)
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        chmod(files.socket, 0o600)
        return fd
    }

    private func acceptControlConnections() {
        while true {
            let client = zwe_accept_cloexec(listenFD)
            if client < 0 { return }
            let uid = zwe_peer_uid(client)
            if uid != Int(geteuid()) && uid != 0 {
                log.write(Diagnostic(MessageCatalog.controlRefused, ["uid": "\(uid)"]))
                close(client)
                continue
            }
            serve(client)
        }
    }

    /// Requests are one short line; reading it blocks at most briefly (100 ms). A `wait-ready`
    /// request is answered at once when the start has settled, else kept until it has.
    private func serve(_ client: Int32) {
        var kept = false
        defer { if !kept { close(client) } }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < 65_536 {
            let count = recv(client, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            received += buffer[0..<count]
            if received.contains(UInt8(ascii: "\n")) { break }
        }
        let response: ControlResponse
        if let request = try? JSONDecoder().decode(ControlRequest.self, from: Data(received)) {
            if request.command == "wait-ready", !startSettled {
                kept = true
                readyWaiters.append(client)
                return
            }
            response = execute(request)
        } else {
            response = ControlResponse(ok: false, message: Diagnostic(MessageCatalog.commandNotRecognized).description)
        }
        answer(client, response)
    }

    private func answer(_ client: Int32, _ response: ControlResponse) {
        guard var data = try? JSONEncoder().encode(response) else { return }
        data.append(UInt8(ascii: "\n"))
        _ = data.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Every component READY, or one FAILED or past its ready timeout, or the instance stopping:
    /// what `zwe start` waits for.
    private var startSettled: Bool {
        stopping || managed.values.allSatisfy { $0.state == .ready }
            || managed.values.contains { $0.state == .failed || ($0.state == .starting && $0.reportedNotReady) }
    }

    private func answerReadyWaiters() {
        guard startSettled else { return }
        let response = ControlResponse(ok: true, message: nil, status: status())
        for client in readyWaiters {
            answer(client, response)
            close(client)
        }
        readyWaiters = []
    }

    private func execute(_ request: ControlRequest) -> ControlResponse {
        if request.command != "status", request.command != "wait-ready" {
            log.write(Diagnostic(MessageCatalog.commandReceived, ["command": [request.command, request.component].compactMap { $0 }.joined(separator: " ")]))
        }
        switch request.command {
        case "status", "wait-ready":
            return ControlResponse(ok: true, message: nil, status: status())
        case "stop-all":
            stopTimeoutOverride = request.timeout
            beginStop(reason: "operator")
            return ControlResponse(ok: true, message: Diagnostic(MessageCatalog.componentsStopping).description)
        case "start", "stop", "restart":
            guard let id = request.component, let item = managed[id] else {
                return ControlResponse(ok: false, message: Diagnostic(MessageCatalog.componentUnknown, ["id": request.component ?? "", "dir": plan.instanceDirectory]).description)
            }
            guard !stopping else { return ControlResponse(ok: false, message: Diagnostic(MessageCatalog.launcherStopping).description) }
            return operate(request.command, item)
        default:
            return ControlResponse(ok: false, message: Diagnostic(MessageCatalog.commandNotRecognized).description)
        }
    }

    private func operate(_ command: String, _ item: ManagedComponent) -> ControlResponse {
        switch command {
        case "start":
            if item.isRunning {
                return ControlResponse(ok: false, message: Diagnostic(MessageCatalog.componentAlreadyRunning, ["id": item.id]).description)
            }
            cancel(item.restartTimer)
            item.restartTimer = nil
            item.failCount = 0
            log.write(Diagnostic(MessageCatalog.componentStartRequested, ["id": item.id]))
            spawn(item)
            return ControlResponse(ok: true, message: Diagnostic(MessageCatalog.componentStartRequested, ["id": item.id]).description)
        case "stop":
            log.write(Diagnostic(MessageCatalog.operatorStop, ["id": item.id]))
            stopComponent(item, timeout: item.component.shutdownTimeout)
            return ControlResponse(ok: true, message: Diagnostic(MessageCatalog.operatorStop, ["id": item.id]).description)
        default:
            if item.isRunning {
                item.restartAfterExit = true
                stopComponent(item, timeout: item.component.shutdownTimeout)
            } else {
                cancel(item.restartTimer)
                item.restartTimer = nil
                item.failCount = 0
                spawn(item)
            }
            return ControlResponse(ok: true, message: Diagnostic(MessageCatalog.componentStartRequested, ["id": item.id]).description)
        }
    }

    private func status() -> InstanceStatus {
        let now = Self.now()
        return InstanceStatus(
            instance: plan.instanceDirectory, jobName: plan.launcherJobName, haInstance: haInstance,
            launcherPid: getpid(), uptimeSeconds: Int(now - startedAt),
            certificateExpiresInDays: certificateExpiresInDays(),
            components: order.compactMap { managed[$0] }.map { item in
                InstanceStatus.Component(
                    id: item.id, jobName: item.component.jobName, pid: item.pid, state: item.state.rawValue,
                    uptimeSeconds: item.isRunning ? item.startedAt.map { Int(now - $0) } : nil,
                    restarts: item.restarts, lastExitStatus: item.lastExitStatus, port: item.component.port,
                    health: item.health)
            })
    }

    // MARK: - Files

    private func ports() -> [String: Int] {
        var result: [String: Int] = [:]
        for component in plan.components { if let port = component.port { result[component.id] = port } }
        if metricsFD >= 0, let port = plan.metricsPort { result["launcher metrics"] = port }
        return result
    }

    // MARK: - Metrics

    /// The listening socket of ZWE_METRICS_PORT. One that cannot be opened costs the endpoint,
    /// not the instance: a warning, and the launcher goes on.
    private func openMetricsEndpoint() {
        guard let port = plan.metricsPort else { return }
        let address = plan.metricsAddress
        do {
            metricsFD = try MetricsEndpoint.openListener(address: address, port: port)
            add(metricsFD, .metricsListener)
            let shown = address.contains(":") ? "[\(address)]" : address
            log.write(Diagnostic(MessageCatalog.metricsListening, ["address": shown, "port": "\(port)"]))
        } catch {
            let reason = (error as? POSIXError).map { String(cString: strerror($0.code.rawValue)) } ?? "\(error)"
            log.write(Diagnostic(MessageCatalog.metricsCannotListen, ["address": address, "port": "\(port)", "reason": reason]))
        }
    }

    private func acceptMetricsClients() {
        while true {
            let client = zwe_accept_cloexec(metricsFD)
            if client < 0 { return }
            guard metricsClients.count < MetricsEndpoint.maximumClients else {
                close(client)
                continue
            }
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            let state = MetricsClient()
            metricsClients[client] = state
            add(client, .metricsClient)
            // A client that sends nothing, or reads nothing, is closed when its time is up.
            state.deadlineTimer = schedule(after: MetricsEndpoint.clientDeadlineSeconds) { [weak self, weak state] in
                guard let self, let state, self.metricsClients[client] === state else { return }
                state.deadlineTimer = nil
                self.closeMetricsClient(client)
            }
        }
    }

    /// Reads what the client sent so far; once its request is complete, writes as much of the
    /// answer as the socket takes, and waits for it to take the rest.
    private func serveMetricsClient(_ fd: Int32) {
        guard let state = metricsClients[fd] else { return }
        if state.pending == nil {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while state.received.count < MetricsEndpoint.maximumRequestBytes {
                let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if count > 0 {
                    state.received += buffer[0..<count]
                    continue
                }
                if count < 0 && errno == EINTR { continue }
                if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
                // The client closed, or the connection failed, before a whole request.
                closeMetricsClient(fd)
                return
            }
            guard let answer = MetricsEndpoint.answer(to: state.received, metrics: { scrape() }) else { return }
            state.pending = answer
        }
        guard let pending = state.pending else { return }
        while state.written < pending.count {
            let count = pending[state.written...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
            if count > 0 {
                state.written += count
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                zwe_epoll_want_write(epoll, fd, 1)
                return
            }
            break
        }
        closeMetricsClient(fd)
    }

    private func closeMetricsClient(_ fd: Int32) {
        guard let state = metricsClients.removeValue(forKey: fd) else { return }
        cancel(state.deadlineTimer)
        state.deadlineTimer = nil
        remove(fd)
    }

    /// The exposition of the launcher's metrics as they are now.
    private func scrape() -> [UInt8] {
        let now = Self.now()
        let readings = order.compactMap { managed[$0] }.map { item in
            LauncherMetrics.ComponentReading(
                id: item.id, state: item.state.rawValue,
                uptimeSeconds: item.isRunning ? item.startedAt.map { now - $0 } : nil,
                readySeconds: item.readySeconds)
        }
        return metrics.exposition(components: readings, launcherUptimeSeconds: now - startedAt, certificateDays: certificateExpiresInDays())
    }

    private func writeStateFile() {
        let children = order.compactMap { managed[$0] }.compactMap { item in
            item.pid.map { StateFile.Child(id: item.id, pid: $0, processGroup: $0) }
        }
        StateFile(launcherPid: getpid(), children: children).write(to: files.state)
    }

    /// ZOWE_USER_ID/ZOWE_GROUP_ID apply only when the launcher runs as root.
    static func componentUser(_ values: [String: String]) -> (uid: uid_t, gid: gid_t)? {
        guard geteuid() == 0, let user = values["ZOWE_USER_ID"], !user.isEmpty, let entry = getpwnam(user) else { return nil }
        var gid = entry.pointee.pw_gid
        if let group = values["ZOWE_GROUP_ID"], !group.isEmpty, let groupEntry = getgrnam(group) { gid = groupEntry.pointee.gr_gid }
        return (entry.pointee.pw_uid, gid)
    }
}

/// Health-check results handed from the worker threads to the supervisor's thread.
final class ProbeResults: @unchecked Sendable {
    struct Result {
        var id: String
        var generation: Int
        var outcome: Swift.Result<Int, TLSProbe.Failure>
    }

    private let lock = NSLock()
    private var pending: [Result] = []

    func append(_ result: Result) {
        lock.lock()
        pending.append(result)
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
