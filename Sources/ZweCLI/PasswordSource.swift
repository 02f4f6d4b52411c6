import Foundation
import ZweKeyMaterial
import ZweMessages

/// Where a store password comes from on the command line, in `KeystorePassword`'s order:
/// --password-file, then ZWE_KEYSTORE_PASSWORD, then the configuration file (by the caller),
/// then a prompt on the terminal.
enum PasswordSource {
    /// The password from --password-file or the environment, if either gives one.
    static func fromFileOrEnvironment(passwordFile: String?) throws(Diagnostic) -> String? {
        var file: (path: String, firstLine: String)?
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile) else {
                throw Diagnostic(MessageCatalog.passwordFileUnreadable, ["path": passwordFile], location: passwordFile)
            }
            let text = String(decoding: data, as: UTF8.self)
            file = (passwordFile, String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""))
        }
        let resolved = KeystorePassword.resolve(passwordFile: file, environment: ProcessInfo.processInfo.environment, file: nil)
        return resolved.source == .certificateFile ? nil : resolved.password
    }

    /// Asks on the controlling terminal without echo; nil when there is no terminal.
    static func prompt(_ question: String) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { return nil }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        _ = question.withCString { write(fd, $0, strlen($0)) }
        tcsetattr(fd, TCSAFLUSH, &silent)
        defer {
            tcsetattr(fd, TCSAFLUSH, &original)
            _ = write(fd, "\n", 1)
        }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
