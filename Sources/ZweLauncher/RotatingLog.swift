// ZweLauncher owns running an instance: the instance lock, the detached launcher process, its
// supervision loop (spawning components in dependency order, health checks, restarts by
// policy, crash detection through pidfds, never polling), the control socket with its
// operator commands and status, the logs with rotation, and stopping so that nothing is left.

import Foundation

/// A log file that rotates by size: `name.log`, then `name.log.1` .. `name.log.(keep-1)`.
/// Writes whole lines, so a line never straddles two files.
final class RotatingLog {
    let path: String
    let maxBytes: Int
    let keep: Int
    private var fd: Int32 = -1
    private var size = 0

    init(path: String, maxBytes: Int, keep: Int) {
        self.path = path
        self.maxBytes = max(maxBytes, 1024)
        self.keep = max(keep, 1)
        open()
    }

    deinit { if fd >= 0 { close(fd) } }

    private func open() {
        fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        var info = stat()
        size = (fd >= 0 && fstat(fd, &info) == 0) ? Int(info.st_size) : 0
    }

    /// Appends complete lines (each ending in a newline).
    func write(_ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        if size > 0, size + bytes.count > maxBytes { rotate() }
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
        size += bytes.count
    }

    func write(line: String) {
        write(ArraySlice(Array((line + "\n").utf8)))
    }

    private func rotate() {
        if fd >= 0 { close(fd) }
        if keep > 1 {
            unlink("\(path).\(keep - 1)")
            var index = keep - 2
            while index >= 1 {
                rename("\(path).\(index)", "\(path).\(index + 1)")
                index -= 1
            }
            rename(path, "\(path).1")
        } else {
            unlink(path)
        }
        open()
    }
}

/// Cuts a byte stream into lines for a `RotatingLog`; keeps an unfinished line until the rest
/// arrives (or the stream ends), so that rotation never splits one.
final class LineSplitter {
    private var pending: [UInt8] = []
    let log: RotatingLog

    init(log: RotatingLog) { self.log = log }

    func feed(_ bytes: ArraySlice<UInt8>) {
        guard let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")) else {
            pending += bytes
            if pending.count > 1 << 20 { flush() }  // a line without end: do not hold it forever
            return
        }
        if pending.isEmpty {
            log.write(bytes[...lastNewline])
        } else {
            pending += bytes[...lastNewline]
            log.write(pending[...])
            pending.removeAll(keepingCapacity: true)
        }
        pending += bytes[(lastNewline + 1)...]
    }

    /// The stream ended: what is left becomes a line of its own.
    func flush() {
        guard !pending.isEmpty else { return }
        pending.append(UInt8(ascii: "\n"))
        log.write(pending[...])
        pending.removeAll()
    }
}
