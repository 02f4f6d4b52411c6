import CZweProcess
import Foundation
import ZweCertificates
import ZweConfiguration
import ZweKeyring
import ZweMessages
import ZwePreflight
import ZweProcess

/// The commands on a running (or not running) instance: start, the detached launcher itself,
/// stop, status, operator commands, logs. Each returns the exit status of the command.
public enum InstanceControl {
    public struct StartOptions: Sendable {
        public var haInstance: String?
        public var foreground = false
        public var noWait = false
        public var stopOnFailure = false
        public var environment: [String: String]
        public var programRuntime: String?
        /// The `zwe` program to detach the launcher with.
        public var program: String

        public init(haInstance: String?, environment: [String: String], programRuntime: String?, program: String) {
            self.haInstance = haInstance
            self.environment = environment
            self.programRuntime = programRuntime
            self.program = program
        }
    }

    /// The `-c` value made absolute: an instance directory, or each zowe.yaml of a FILE list.
    static func absolute(_ path: String) -> String {
        let base = FileManager.default.currentDirectoryPath
        if let files = ZoweConfig.files(inArgument: path, relativeTo: base) {
            return files.count == 1 ? files[0] : files.map { "FILE(\($0))" }.joined(separator: ":")
        }
        return LaunchPlanner.normalise(path, relativeTo: base)
    }

    // MARK: - start

    public static func start(instanceDirectory: String, options: StartOptions) -> Int32 {
        let directory = absolute(instanceDirectory)
        let files = InstanceFiles(instanceDirectory: directory, haInstance: options.haInstance)
        if !files.isZoweYAML {
            guard FileManager.default.fileExists(atPath: directory + "/instance.env") else {
                report([Diagnostic(MessageCatalog.instanceEnvMissing, ["dir": directory], location: directory + "/instance.env")])
                return 1
            }
        } else {
            do {
                _ = try ZoweConfig.load(argument: directory, environment: options.environment)
            } catch {
                // A zowe.yaml that does not read: every problem, and nothing is made.
                report(error.items)
                return max(Int32(min(error.errors.count, 125)), 1)
            }
        }
        // workspace/ (and workspace/ha/ID of an HA instance), remembered to be removed again;
        // a zowe.yaml's workspace and its parents as well.
        var madeFolders: [String] = []
        var folder = files.isZoweYAML ? "" : directory
        for part in files.workspace.dropFirst(folder.count).split(separator: "/") {
            folder += "/" + part
            if mkdir(folder, 0o750) == 0 { madeFolders.append(folder) }
        }

        // 1. The instance lock: one start, one launcher.
        let lockFD = open(files.lock, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lockFD >= 0 else {
            report([Diagnostic(MessageCatalog.instanceNotWritable, ["dir": directory, "reason": String(cString: strerror(errno))], location: files.lock)])
            return 1
        }
        guard flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: files.lock, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            close(lockFD)
            report([Diagnostic(MessageCatalog.instanceAlreadyRunning, ["dir": directory, "pid": holder.isEmpty ? "?" : holder, "lock": files.lock])])
            return 1
        }
        writeHolder(lockFD, getpid())
        func release() {
            unlink(files.lock)
            close(lockFD)
            // A start that ends here leaves the instance as it found it: the workspace folder
            // made only to hold the lock goes too (rmdir removes it only while it is empty).
            for made in madeFolders.reversed() { rmdir(made) }
        }

        endLeftovers(files)

        // 2. Preflight, read-only.
        let preflight = Preflight.run(instanceDirectory: directory, options: .init(haInstance: options.haInstance, environment: options.environment, programRuntime: options.programRuntime))
        report(preflight.findings.filter { $0.severity != .info })
        if preflight.errorCount > 0 {
            if options.environment["ZWE_IGNORE_VALIDATION_ERRORS"]?.lowercased() == "true", preflight.plan != nil {
                report([Diagnostic(MessageCatalog.ignoringValidationErrors, ["errors": "\(preflight.errorCount)"])])
            } else {
                release()
                return preflight.exitStatus
            }
        }
        guard let plan = preflight.plan else {
            release()
            return max(preflight.exitStatus, 1)
        }

        // 3. Each component's configure step, as Zowe runs it. The steps are independent (each
        // prepares its own component's workspace), so they run side by side; a failure is
        // reported for the first failing component in start order.
        let configuring = plan.components.filter { $0.configureScript != nil }
        let outcomes = ConfigureOutcomes(count: configuring.count)
        DispatchQueue.concurrentPerform(iterations: configuring.count) { index in
            let component = configuring[index]
            outcomes.set(index, try? ScriptRunner.run(script: component.configureScript!, environment: component.environment,
                                                      directory: component.directory, timeoutSeconds: 60))
        }
        for (index, component) in configuring.enumerated() {
            guard let script = component.configureScript else { continue }
            let outcome = outcomes.get(index)
            if outcome?.succeeded != true {
                let output = outcome?.output.split(separator: "\n").suffix(5).joined(separator: " / ") ?? "could not run"
                report([Diagnostic(MessageCatalog.configureStepFailed, ["id": component.id, "status": outcome?.status ?? "not started", "output": output.isEmpty ? "(no output)" : output], location: script)])
                release()
                return 1
            }
        }
        let haInstance = plan.haInstanceID

        // 4. The launcher: in this process, or detached into its own session.
        if options.foreground {
            return runLauncher(instanceDirectory: directory, haInstance: haInstance, lockFD: lockFD, environment: options.environment, foreground: true)
        }
        let errors = open(files.launcherErrors, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer {
            close(errors)
            close(null)
        }
        let launcherPID: pid_t
        do {
            launcherPID = try Spawner.spawn(
                executable: options.program, arguments: ["launcher-run", "-c", directory, "--ha-instance", haInstance, "--lock-fd", "3"],
                environment: options.environment, directory: files.instanceDirectory, stdin: nil, stdout: null, stderr: errors >= 0 ? errors : null,
                newProcessGroup: true, newSession: true, passing: (lockFD, 3))
        } catch {
            report([Diagnostic(MessageCatalog.launcherStartFailed, ["dir": directory, "reason": "\(error)"])])
            release()
            return 1
        }
        close(lockFD)  // the launcher holds the lock through its own descriptor now

        // Wait for the control socket.
        let deadline = Date().addingTimeInterval(15)
        var launcherUp = false
        while Date() < deadline {
            if let response = try? ControlClient.send(ControlRequest(command: "status"), socketPath: files.socket, timeoutSeconds: 2), response.ok {
                launcherUp = true
                break
            }
            var status: Int32 = 0
            if waitpid(launcherPID, &status, WNOHANG) == launcherPID {
                break
            }
            usleep(10_000)
        }
        guard launcherUp else {
            let errorsText = (try? String(contentsOfFile: files.launcherErrors, encoding: .utf8))?.split(separator: "\n").suffix(3).joined(separator: " / ") ?? ""
            report([Diagnostic(MessageCatalog.launcherStartFailed, ["dir": directory, "reason": errorsText.isEmpty ? "no control socket after 15 s" : errorsText])])
            return 1
        }
        if options.noWait {
            print("\(plan.launcherJobName) launcher started for \(directory), pid \(launcherPID); 'zwe status -c \(directory)' shows progress")
            return 0
        }
        return waitUntilReady(files: files, plan: plan, stopOnFailure: options.stopOnFailure)
    }

    static func writeHolder(_ fd: Int32, _ pid: pid_t) {
        let text = Array("\(pid)\n".utf8)
        ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Returns when every component is READY (0), or one is FAILED or past its ready timeout (1).
    static func waitUntilReady(files: InstanceFiles, plan: LaunchPlan, stopOnFailure: Bool) -> Int32 {
        let timeouts = Dictionary(uniqueKeysWithValues: plan.components.map { ($0.id, $0.readyTimeout) })
        // The launcher answers `wait-ready` when the start has settled: no polling, and the
        // answer comes as soon as the last component is READY.
        let longest = Double(timeouts.values.max() ?? 60) + 30
        while true {
            guard let response = try? ControlClient.send(ControlRequest(command: "wait-ready"), socketPath: files.socket, timeoutSeconds: longest),
                  let status = response.status else {
                report([Diagnostic(MessageCatalog.launcherStartFailed, ["dir": files.instanceDirectory, "reason": "the launcher ended during start; see logs/launcher.log"])])
                return 1
            }
            if status.components.allSatisfy({ $0.state == "READY" }) {
                print(table(status, plan: plan))
                return 0
            }
            let failed = status.components.first { component in
                component.state == "FAILED"
                    || (component.state == "STARTING" && component.pid != nil && (component.uptimeSeconds ?? 0) >= (timeouts[component.id] ?? 60))
            }
            if let failed {
                print(table(status, plan: plan))
                report([Diagnostic(MessageCatalog.componentNotReady, ["id": failed.id, "seconds": "\(timeouts[failed.id] ?? 60)", "reason": "state \(failed.state), see logs/\(failed.id).log"])])
                if stopOnFailure { _ = stop(instanceDirectory: files.argument, haInstance: files.haInstance, timeout: nil) }
                return 1
            }
            usleep(20_000)
        }
    }

    static func table(_ status: InstanceStatus, plan: LaunchPlan?) -> String {
        let host = plan?.instanceValues["ZOWE_EXPLORER_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        var rows = [["COMPONENT", "JOB", "PID", "STATE", "URL"]]
        for component in status.components {
            let url = component.port.map { "https://\(host):\($0)/" } ?? "-"
            rows.append([component.id, component.jobName, component.pid.map(String.init) ?? "-", component.state, url])
        }
        return columns(rows)
    }

    /// What a killed launcher left behind: processes named in the state file that still belong
    /// to the instance. (Its components got SIGKILL with the launcher; the state file covers
    /// whatever they started besides. Only `stop` also scans every process, after the fact.)
    static func endLeftovers(_ files: InstanceFiles) {
        var ended: [String] = []
        if let state = StateFile.read(files.state), !ProcessTable.isAlive(state.launcherPid) {
            for child in state.children where ProcessTable.isAlive(child.pid)
                && ProcessTable.environment(of: child.pid)["INSTANCE_DIR"] == files.instanceDirectory {
                kill(-child.processGroup, SIGKILL)
                kill(child.pid, SIGKILL)
                ended.append("\(child.id) pid \(child.pid)")
            }
            unlink(files.state)
        }
        if !ended.isEmpty {
            report([Diagnostic(MessageCatalog.leftoverKilled, ["count": "\(ended.count)", "dir": files.instanceDirectory, "details": ended.joined(separator: ", ")])])
        }
    }

    // MARK: - the launcher process

    /// The launcher itself: supervision until stopped. Runs the loop on a dedicated thread
    /// that lives as long as the launcher (children's parent-death signal is tied to it).
    public static func runLauncher(instanceDirectory: String, haInstance: String, lockFD: Int32, environment: [String: String], foreground: Bool) -> Int32 {
        let directory = absolute(instanceDirectory)
        let files = InstanceFiles(instanceDirectory: directory, haInstance: haInstance)
        _ = fcntl(lockFD, F_SETFD, FD_CLOEXEC)
        writeHolder(lockFD, getpid())
        let result = LaunchPlanner.plan(instanceDirectory: directory, haInstance: haInstance, environment: environment, programRuntime: RuntimeDirectory.ofRunningProgram())
        guard let plan = result.plan else {
            report(result.findings)
            return 1
        }
        try? FileManager.default.createDirectory(atPath: plan.logDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        let log = LauncherLog(path: files.launcherLog, maxBytes: plan.logMaxBytes, keep: plan.logKeep, level: plan.logLevel)
        log.echo = foreground
        _ = FileManager.default.createFile(atPath: files.pid, contents: Data("\(getpid())\n".utf8), attributes: [.posixPermissions: 0o644])
        let supervisor = Supervisor(plan: plan, files: files, log: log, environment: environment, haInstance: haInstance)
        let stores = plan.certificates?.stores
        let password = plan.keystorePassword
        let expiry = stores.map { CertificateExpiry(stores: $0, password: password) }
        supervisor.certificateExpiresInDays = { expiry?.days() }
        // In the foreground the launcher is the main process of a systemd unit of Type=notify
        // (zwe export systemd); a detached launcher is not, and never notifies.
        if foreground { supervisor.notifier = ServiceNotifier(socketPath: environment["NOTIFY_SOCKET"]) }

        let done = DispatchSemaphore(value: 0)
        let box = ExitBox()
        let thread = Thread {
            box.code = supervisor.run()
            done.signal()
        }
        thread.name = "zwe-supervisor"
        thread.start()
        done.wait()
        close(lockFD)
        return box.code
    }

    final class ExitBox: @unchecked Sendable { var code: Int32 = 0 }

    // MARK: - stop

    public static func stop(instanceDirectory: String, haInstance: String? = nil, timeout: Int?) -> Int32 {
        let directory = absolute(instanceDirectory)
        let files = InstanceFiles(instanceDirectory: directory, haInstance: haInstance)
        let began = Date()
        guard let pid = files.runningLauncherPID() else {
            endLeftovers(files)
            print(Diagnostic(MessageCatalog.instanceNotRunning, ["dir": directory]).description)
            return 0
        }
        let pidfd = zwe_pidfd_open(pid)
        defer { if pidfd >= 0 { close(pidfd) } }
        var answered = false
        do {
            answered = try ControlClient.send(ControlRequest(command: "stop-all", timeout: timeout), socketPath: files.socket).ok
        } catch ControlClient.Failure.notPermitted(let reason) {
            return controlNotPermitted(files, reason: "the control socket: \(reason)")
        } catch {}
        // Without an answer the launcher is asked by signal; one that belongs to another user
        // cannot be, and waiting for it to end would only end in a false "stopped".
        if !answered && kill(pid, SIGTERM) != 0 && errno == EPERM {
            return controlNotPermitted(files, reason: "its launcher (pid \(pid)) runs as another user")
        }
        // Wait for the launcher to end: it ends after its last component.
        let limit = Double((timeout ?? 20) * 8 + 10)
        if !waitForExit(pidfd: pidfd, pid: pid, seconds: limit) {
            kill(pid, SIGKILL)
            _ = waitForExit(pidfd: pidfd, pid: pid, seconds: 2)
        }
        endLeftovers(files)
        // Nothing of the instance may be left: a scan of every process's INSTANCE_DIR.
        for leftover in ProcessTable.processes(ofInstance: directory, haInstance: files.haInstance) { kill(leftover, SIGKILL) }
        unlink(files.socket)
        unlink(files.pid)
        unlink(files.lock)
        let milliseconds = Int(Date().timeIntervalSince(began) * 1000)
        print(Diagnostic(MessageCatalog.instanceStopped, ["dir": directory, "milliseconds": "\(milliseconds)"]).description)
        return 0
    }

    static func waitForExit(pidfd: Int32, pid: pid_t, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if pidfd >= 0 {
                var poller = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&poller, 1, Int32(min(deadline.timeIntervalSinceNow * 1000, 1000)))
                if ready > 0 { return true }
            } else {
                if !ProcessTable.isAlive(pid) { return true }
                usleep(20_000)
            }
        }
        return !ProcessTable.isAlive(pid)
    }

    // MARK: - status and operator commands

    public static func status(instanceDirectory: String, haInstance: String? = nil, json: Bool) -> Int32 {
        let directory = absolute(instanceDirectory)
        let files = InstanceFiles(instanceDirectory: directory, haInstance: haInstance)
        var response: ControlResponse?
        if files.runningLauncherPID() != nil {
            do {
                response = try ControlClient.send(ControlRequest(command: "status"), socketPath: files.socket)
            } catch ControlClient.Failure.notPermitted(let reason) {
                return controlNotPermitted(files, reason: "the control socket: \(reason)")
            } catch {}
        }
        guard let status = response?.status else {
            if json {
                print("{\"instance\": \"\(directory)\", \"running\": false}")
            } else {
                print(Diagnostic(MessageCatalog.instanceNotRunning, ["dir": directory]).description)
            }
            return 1
        }
        if json {
            print(encode(status))
            return 0
        }
        var header = "Instance \(status.instance): launcher \(status.jobName) pid \(status.launcherPid), up \(status.uptimeSeconds) s, HA instance \(status.haInstance)"
        if let days = status.certificateExpiresInDays { header += ", certificate expires in \(days) days" }
        print(header)
        if let days = status.certificateExpiresInDays, days <= 30 {
            print(Diagnostic(MessageCatalog.certificateExpiresSoon, ["instance": status.instance, "days": "\(days)"]).explained)
        }
        var rows = [["COMPONENT", "JOB", "PID", "STATE", "UPTIME", "RESTARTS", "LAST EXIT", "PORT", "HEALTH"]]
        for component in status.components {
            rows.append([
                component.id, component.jobName, component.pid.map(String.init) ?? "-", component.state,
                component.uptimeSeconds.map { "\($0)s" } ?? "-", "\(component.restarts)", component.lastExitStatus ?? "-",
                component.port.map(String.init) ?? "-", component.health,
            ])
        }
        print(columns(rows))
        return 0
    }

    public static func statusAll(json: Bool, environment: [String: String]) -> Int32 {
        let entries = InstanceRegistry.running(environment: environment)
        if json {
            struct All: Encodable { var instances: [InstanceRegistry.Entry] }
            print(encode(All(instances: entries)))
            return 0
        }
        if entries.isEmpty {
            print("No instance is running.")
            return 0
        }
        var rows = [["JOB", "PID", "INSTANCE", "PORTS"]]
        for entry in entries {
            let ports = entry.ports.sorted { $0.value < $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            rows.append([entry.jobName, "\(entry.launcherPid)", entry.instance + (entry.haInstance.map { " (HA instance \($0))" } ?? ""), ports])
        }
        print(columns(rows))
        return 0
    }

    public static func operate(instanceDirectory: String, haInstance: String? = nil, command: String, component: String) -> Int32 {
        let directory = absolute(instanceDirectory)
        let files = InstanceFiles(instanceDirectory: directory, haInstance: haInstance)
        var answer: ControlResponse?
        if files.runningLauncherPID() != nil {
            do {
                answer = try ControlClient.send(ControlRequest(command: command, component: component), socketPath: files.socket)
            } catch ControlClient.Failure.notPermitted(let reason) {
                return controlNotPermitted(files, reason: "the control socket: \(reason)")
            } catch {}
        }
        guard let response = answer else {
            report([Diagnostic(MessageCatalog.instanceNotRunning, ["dir": directory])], asError: true)
            return 1
        }
        if let message = response.message {
            if response.ok { print(message) } else { FileHandle.standardError.write(Data((message + "\n").utf8)) }
        }
        return response.ok ? 0 : 1
    }

    // MARK: - logs

    public static func logs(instanceDirectory: String, haInstance: String? = nil, component: String?, follow: Bool) -> Int32 {
        let files = InstanceFiles(instanceDirectory: absolute(instanceDirectory), haInstance: haInstance)
        let path = component.map(files.componentLog) ?? files.launcherLog
        guard var handle = FileHandle(forReadingAtPath: path) else {
            report([Diagnostic(MessageCatalog.envFileMissing, ["path": path], location: path)], asError: true)
            return 1
        }
        FileHandle.standardOutput.write(handle.readDataToEndOfFile())
        guard follow else { return 0 }
        var inode = Self.inode(path)
        while true {
            usleep(200_000)
            let data = handle.readDataToEndOfFile()
            if !data.isEmpty { FileHandle.standardOutput.write(data) }
            let current = Self.inode(path)
            if current != inode, let reopened = FileHandle(forReadingAtPath: path) {
                handle = reopened
                inode = current
            }
        }
    }

    static func inode(_ path: String) -> UInt {
        var info = stat()
        return stat(path, &info) == 0 ? UInt(info.st_ino) : 0
    }

    // MARK: - output

    /// Left-aligned columns, two spaces apart.
    static func columns(_ rows: [[String]]) -> String {
        let count = rows.map(\.count).max() ?? 0
        let widths = (0..<count).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// An operator command from a user that the instance's launcher does not admit.
    static func controlNotPermitted(_ files: InstanceFiles, reason: String) -> Int32 {
        report([Diagnostic(MessageCatalog.controlNotPermitted, [
            "dir": files.instanceDirectory, "uid": "\(geteuid())", "reason": reason, "socket": files.socket,
        ])], asError: true)
        return 1
    }

        static func report(_ diagnostics: [Diagnostic], asError: Bool = false) {
        for diagnostic in diagnostics {
            if diagnostic.severity == .info && !asError {
                print(diagnostic.description)
            } else {
                FileHandle.standardError.write(Data((diagnostic.explained + "\n").utf8))
            }
        }
    }
}

/// The configure steps' outcomes, written from the threads that ran them.
private final class ConfigureOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [ScriptRunner.Outcome?]

    init(count: Int) { outcomes = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ outcome: ScriptRunner.Outcome?) {
        lock.lock()
        defer { lock.unlock() }
        outcomes[index] = outcome
    }

    func get(_ index: Int) -> ScriptRunner.Outcome? {
        lock.lock()
        defer { lock.unlock() }
        return outcomes[index]
    }
}
