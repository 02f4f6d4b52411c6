import CZweProcess
import Foundation
import ZweConfiguration
import ZweMessages

/// Starting components: which ones may start (their dependencies READY), the spawn itself
/// (own process group, output pipe, pidfd, the user they run as), the configuration re-read
/// before a restart, and the environment snapshot written beside each start.
extension Supervisor {
    /// Spawns every component whose dependencies are READY and that waits for them.
    func startEligible() {
        guard !stopping else { return }
        for id in order {
            guard let item = managed[id], item.waitingForDependencies, item.state == .starting else { continue }
            let ready = item.component.dependsOn.allSatisfy { managed[$0].map { $0.state == .ready } ?? true }
            if ready { spawn(item) }
        }
    }

    func spawn(_ item: ManagedComponent) {
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

    func startFailed(_ item: ManagedComponent, reason: String) {
        log.write(Diagnostic(MessageCatalog.componentStartFailed, ["id": item.id, "reason": reason]))
        item.lastExitStatus = "exit 127"
        crashed(item, uptime: 0)
    }

    /// A restart takes the configuration as it is now (a corrected instance.env applies).
    func refreshConfiguration(_ item: ManagedComponent) {
        let result = LaunchPlanner.plan(instanceDirectory: files.argument, haInstance: haInstance, environment: environment, programRuntime: plan.rootDirectory)
        if let fresh = result.plan?.components.first(where: { $0.id == item.id }), result.findings.allSatisfy({ $0.severity != .error }) {
            item.component = fresh
        } else {
            log.write(Diagnostic(MessageCatalog.configurationReread, ["id": item.id]))
        }
    }

    func writeSnapshot(_ item: ManagedComponent) {
        let path = files.snapshot(item.id, ha: haInstance)
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = path + ".tmp"
        if FileManager.default.createFile(atPath: temporary, contents: Data(item.component.snapshot.utf8), attributes: [.posixPermissions: 0o600]) {
            rename(temporary, path)
        }
    }

    /// ZOWE_USER_ID/ZOWE_GROUP_ID apply only when the launcher runs as root.
    static func componentUser(_ values: [String: String]) -> (uid: uid_t, gid: gid_t)? {
        guard geteuid() == 0, let user = values["ZOWE_USER_ID"], !user.isEmpty, let entry = getpwnam(user) else { return nil }
        var gid = entry.pointee.pw_gid
        if let group = values["ZOWE_GROUP_ID"], !group.isEmpty, let groupEntry = getgrnam(group) { gid = groupEntry.pointee.gr_gid }
        return (entry.pointee.pw_uid, gid)
    }
}
