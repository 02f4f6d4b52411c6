import Foundation
import ZweMessages
import ZweProcess

extension ZOSMFStub {
    /// How long a detached stub may take to say it listens (a first start makes an RSA key).
    static let detachTimeoutSeconds = 60.0

    /// `--detach`: checks here what can be checked without starting anything (the folder, the
    /// users file, the certificate files, the port, a stub already running), then starts
    /// `program` again with the settings' command line in a session of its own, stdin from /dev/null, stdout and stderr appended to DIR/zosmf.log, and a pipe
    /// on which it says when it listens. Returns 0 once it does, 1 with its error otherwise.
    /// posix_spawn, not fork: this process has threads, and after fork only the forking thread
    /// would exist in the child.
    public static func startDetached(
        _ settings: StubSettings, program: String, environment: [String: String]
    ) -> Int32 {
        let directory: DataDirectory
        do throws(Diagnostic) {
            _ = try UserRegistry.load(settings.usersFile)
            if let given = settings.externalCertificate {
                _ = try StubCertificate.external(certificate: given.certificate, key: given.key)
            }
            try DataDirectory(path: settings.dataDirectory).checkNotRunning()
            try PortProbe.check(address: settings.address, port: settings.port)
            directory = try DataDirectory.prepare(settings.dataDirectory)
        } catch {
            printExplained(error)
            return 1
        }
        func failed(_ reason: String) -> Int32 {
            printExplained(Diagnostic(MessageCatalog.zosmfDetachFailed, ["reason": reason, "log": directory.logFile]))
            return 1
        }
        let log = open(directory.logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard log >= 0 else { return failed("\(directory.logFile): \(String(cString: strerror(errno)))") }
        defer { close(log) }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return failed("no pipe: \(String(cString: strerror(errno)))") }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        // Neither end may leak into the child as it is: the write end goes in as descriptor 3.
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        defer { close(readEnd) }
        let pid: pid_t
        do {
            pid = try Spawner.spawn(
                executable: program, arguments: settings.commandLine + ["--ready-fd", "3"], environment: environment,
                directory: "/", stdin: nil, stdout: log, stderr: log, newProcessGroup: true, newSession: true,
                passing: (writeEnd, 3))
        } catch {
            close(writeEnd)
            return failed("\(program) could not be started: \(error)")
        }
        close(writeEnd)

        let (answer, complete) = readAnswer(readEnd, timeoutSeconds: detachTimeoutSeconds)
        var lines = answer.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        if let marker = lines.firstIndex(of: readyMarker) {
            for line in lines[..<marker] { print(line) }
            print(Diagnostic(MessageCatalog.zosmfStartedInBackground, ["pid": "\(pid)", "log": directory.logFile, "dir": directory.path]).description)
            return 0
        }
        if !complete {
            // Silent for too long: it is not going to be a usable stub.
            kill(pid, SIGKILL)
            _ = Spawner.wait(pid)
            return failed("it did not listen within \(Int(detachTimeoutSeconds)) s")
        }
        let status = Spawner.wait(pid)
        if !answer.isEmpty {
            FileHandle.standardError.write(Data(answer.utf8))
            return 1
        }
        return failed("it ended (\(status.text)) before it listened")
    }

    /// What the child wrote up to end of file, and whether end of file came in time.
    private static func readAnswer(_ fd: Int32, timeoutSeconds: Double) -> (String, Bool) {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return (String(decoding: bytes, as: UTF8.self), false) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 1) * 1000))
            if ready < 0 && errno != EINTR { return (String(decoding: bytes, as: UTF8.self), true) }
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return (String(decoding: bytes, as: UTF8.self), true)
            }
            if count == 0 { return (String(decoding: bytes, as: UTF8.self), true) }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }

    static func printExplained(_ diagnostic: Diagnostic) {
        if diagnostic.severity == .info {
            print(diagnostic.description)
        } else {
            FileHandle.standardError.write(Data((diagnostic.explained + "\n").utf8))
        }
    }
}
