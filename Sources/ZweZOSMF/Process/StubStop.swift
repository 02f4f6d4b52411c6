import Foundation
import ZweMessages

extension ZOSMFStub {
    /// `zwe zosmf-stub stop --data DIR`: SIGTERM to the stub that holds DIR's lock, then waits
    /// until the lock is free (the process has ended: its descriptors are closed at exit) and
    /// removes the pid file. SIGKILL after `timeoutSeconds`, with a warning. A folder no stub
    /// runs on is said so, with status 0.
    public static func stop(dataDirectory: String, timeoutSeconds: Int) -> Int32 {
        let path = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        let directory = DataDirectory(path: path)
        guard directory.isLocked() else {
            if let stale = directory.recordedPID() {
                printExplained(Diagnostic(MessageCatalog.zosmfStalePIDFile, ["path": directory.pidFile, "pid": "\(stale)", "dir": path]))
                unlink(directory.pidFile)
            }
            printExplained(Diagnostic(MessageCatalog.zosmfNotRunning, ["dir": path]))
            return 0
        }
        // A stub that is starting holds the lock before it writes its pid file.
        var pid = directory.recordedPID()
        let pidDeadline = Date().addingTimeInterval(5)
        while pid == nil, directory.isLocked(), Date() < pidDeadline {
            usleep(20_000)
            pid = directory.recordedPID()
        }
        guard directory.isLocked() else {
            printExplained(Diagnostic(MessageCatalog.zosmfNotRunning, ["dir": path]))
            return 0
        }
        guard let pid, pid > 1 else {
            printExplained(Diagnostic(MessageCatalog.zosmfStopFailed, ["dir": path, "reason": "the folder is locked, but \(directory.pidFile) names no process"]))
            return 1
        }
        // The pid file could be older than the process now holding that number.
        let commandLine = Self.commandLine(of: pid)
        guard commandLine.contains("zosmf-stub") else {
            printExplained(Diagnostic(MessageCatalog.zosmfStopFailed, ["dir": path, "reason": "pid \(pid) of \(directory.pidFile) is not a z/OSMF stub (\(commandLine.isEmpty ? "no such process" : commandLine))"]))
            return 1
        }
        kill(pid, SIGTERM)
        if !waitForUnlock(directory, seconds: Double(timeoutSeconds)) {
            kill(pid, SIGKILL)
            printExplained(Diagnostic(MessageCatalog.zosmfStopTimedOut, ["pid": "\(pid)", "seconds": "\(timeoutSeconds)", "log": directory.logFile]))
            guard waitForUnlock(directory, seconds: 5) else {
                printExplained(Diagnostic(MessageCatalog.zosmfStopFailed, ["dir": path, "reason": "pid \(pid) did not end after SIGKILL"]))
                return 1
            }
        }
        directory.removePID(ifItNames: pid)
        printExplained(Diagnostic(MessageCatalog.zosmfStopped, ["pid": "\(pid)", "dir": path]))
        return 0
    }

    /// /proc/PID/cmdline with spaces between the arguments; empty when there is no such process.
    private static func commandLine(of pid: pid_t) -> String {
        guard let bytes = try? DurableFiles.read("/proc/\(pid)/cmdline") else { return "" }
        return String(decoding: bytes.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }

    private static func waitForUnlock(_ directory: DataDirectory, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while directory.isLocked() {
            if Date() >= deadline { return false }
            usleep(10_000)
        }
        return true
    }
}
