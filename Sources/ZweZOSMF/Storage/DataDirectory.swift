// The data directory of a z/OSMF stub (`--data DIR`): everything the stub keeps lives here, so
// that a restart (or a restart after SIGKILL) on the same folder continues where it stopped.
//
//   DIR/zosmf.lock                 held (flock) by the stub that runs on DIR: one stub per folder
//   DIR/zosmf.pid                  that stub's pid; removed when it stops
//   DIR/zosmf.log                  the output of a stub started with --detach
//   DIR/zosmf.cer, DIR/zosmf.key   the default self-signed certificate (PEM) and its key
//                                  (PKCS#8 PEM, 0600); not used with --cert/--key
//   DIR/sessions.json              the live jwtToken sessions: SHA-256 of each token, user, expiry (0600)
//   DIR/jes/next-job               the highest job number ever handed out: ids are never reused
//   DIR/jes/jobs/JOBnnnnn/job.json the job: name, owner, class, correlator, status, return code,
//                                  times, and the index of its spool files once it is OUTPUT
//   DIR/jes/jobs/JOBnnnnn/jcl      the JCL exactly as submitted
//   DIR/jes/jobs/JOBnnnnn/spool/N  the records of spool file N, one per line; present from OUTPUT on
//   DIR/jes/damaged/               job folders that could not be read at start-up, moved aside
//   DIR/datasets/DSN, DSN/MEMBER   what a {"file":"//'DSN(MEMBER)'"} submission reads
//   DIR/uss/PATH                   what a {"file":"/PATH"} submission reads (the stub's z/OS UNIX)
//
// Every file is replaced by write-to-temporary, fsync, rename, fsync-folder (DurableFiles), and a
// job folder is published whole by one rename: after a SIGKILL at any instant the folder holds
// each job either as it was acknowledged or not at all, and never a part of a file.

import Foundation
import ZweMessages

struct DataDirectory: Sendable {
    let path: String

    var lockFile: String { path + "/zosmf.lock" }
    var pidFile: String { path + "/zosmf.pid" }
    var logFile: String { path + "/zosmf.log" }
    var certificateFile: String { path + "/zosmf.cer" }
    var keyFile: String { path + "/zosmf.key" }
    var sessionsFile: String { path + "/sessions.json" }
    var jes: String { path + "/jes" }
    var nextJobFile: String { jes + "/next-job" }
    var jobs: String { jes + "/jobs" }
    var damaged: String { jes + "/damaged" }
    var datasets: String { path + "/datasets" }
    var uss: String { path + "/uss" }

    /// Creates the folder (and its parents) when missing and proves that files can be made in
    /// it, so that an unusable folder is reported before anything starts.
    static func prepare(_ path: String) throws(Diagnostic) -> DataDirectory {
        func unusable(_ reason: String) -> Diagnostic {
            Diagnostic(MessageCatalog.zosmfDataDirectoryUnusable, ["dir": path, "reason": reason])
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw unusable(Self.reason(of: error, at: path))
        }
        var info = stat()
        guard stat(path, &info) == 0 else { throw unusable(String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw unusable("it is not a folder") }
        let directory = DataDirectory(path: path)
        do throws(DiskError) {
            let probe = DurableFiles.temporaryName(for: path + "/probe")
            try DurableFiles.writeNew(Array("probe\n".utf8), to: probe)
            unlink(probe)
        } catch {
            throw unusable("a file cannot be created in it: \(error.reason)")
        }
        return directory
    }

    /// Makes the folders of the JES.
    func prepareJES() throws(DiskError) {
        try DurableFiles.makeDirectory(jes)
        try DurableFiles.makeDirectory(jobs)
    }

    /// The reason inside a Foundation error, without the path it repeats.
    private static func reason(of error: any Error, at path: String) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(code)))
        }
        var parent = path
        while !parent.isEmpty, parent != "/" {
            parent = DurableFiles.parent(of: parent)
            var info = stat()
            if stat(parent, &info) == 0 {
                return (info.st_mode & S_IFMT) == S_IFDIR ? "it cannot be created in \(parent)" : "\(parent) is not a folder"
            }
        }
        return error.localizedDescription
    }

    // MARK: - The lock and the pid file

    /// Takes the lock of the folder for the life of this process; a stub that holds it already
    /// is named with its pid.
    func lock() throws(Diagnostic) -> Int32 {
        let fd = open(lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw Diagnostic(MessageCatalog.zosmfDataDirectoryUnusable, ["dir": path, "reason": "\(lockFile): \(String(cString: strerror(errno)))"])
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw Diagnostic(MessageCatalog.zosmfAlreadyRunning, ["dir": path, "pid": recordedPID().map(String.init) ?? "unknown"])
        }
        return fd
    }

    /// Says so when a stub runs on the folder (before anything is created or changed in it).
    func checkNotRunning() throws(Diagnostic) {
        if isLocked() {
            throw Diagnostic(MessageCatalog.zosmfAlreadyRunning, ["dir": path, "pid": recordedPID().map(String.init) ?? "unknown"])
        }
    }

    /// Whether a stub holds the lock now (taking it for an instant when none does).
    func isLocked() -> Bool {
        let fd = open(lockFile, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }

    func recordedPID() -> pid_t? {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func writePID(_ pid: pid_t) throws(DiskError) {
        try DurableFiles.write("\(pid)\n", to: pidFile, mode: 0o644)
    }

    /// Removes the pid file if it still names `pid` (a later stub may have written its own).
    func removePID(ifItNames pid: pid_t) {
        if recordedPID() == pid { unlink(pidFile) }
    }
}
