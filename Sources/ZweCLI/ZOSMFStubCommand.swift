import ArgumentParser
import Foundation
import ZweMessages
import ZweZOSMF

/// `zwe zosmf-stub [start] --port P --data DIR ...` and `zwe zosmf-stub stop --data DIR`.
/// `start` is the default subcommand: an option of the parent command would take `--data` from
/// `stop` as well.
struct ZOSMFStubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zosmf-stub",
        abstract: "Run a z/OSMF stub: the external z/OSMF a Zowe instance calls and must trust.",
        subcommands: [ZOSMFStubStartCommand.self, ZOSMFStubStopCommand.self],
        defaultSubcommand: ZOSMFStubStartCommand.self)
}

struct ZOSMFStubStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a z/OSMF stub (the default: 'zwe zosmf-stub --port P --data DIR').",
        discussion: """
            Serves /zosmf/info, /zosmf/services/authenticate (Basic -> jwtToken cookie) and \
            /zosmf/restjobs with a small JES (IEFBR14, IEBGENER; INPUT -> ACTIVE -> OUTPUT) over \
            HTTPS with its own certificate: self-signed for --hostname (made in DIR on first use, \
            kept while the host name stays the same), or --cert/--key from an external CA. \
            Everything lives in DIR; a job acknowledged with 201 survives any kill. \
            Users: --users FILE (user:password or user:{SHA256}hex per line), default IBMUSER/SYS1. \
            Runs in the foreground until SIGTERM or SIGINT, or with --detach in the background \
            (DIR/zosmf.pid, DIR/zosmf.log) until 'zwe zosmf-stub stop --data DIR'.
            """)

    @Option(help: ArgumentHelp("The HTTPS port.", valueName: "P"))
    var port: String?

    @Option(help: ArgumentHelp("The data directory: certificate, sessions, jobs and spool (created when missing).", valueName: "DIR"))
    var data: String?

    @Option(help: ArgumentHelp("The address to listen on (default 127.0.0.1).", valueName: "IP"))
    var address: String?

    @Option(help: ArgumentHelp("The host name of the certificate and of the URLs in answers (default localhost).", valueName: "H"))
    var hostname: String?

    @Option(help: ArgumentHelp("A PEM certificate (then its intermediate CAs) to present instead of the self-signed one.", valueName: "PEM"))
    var cert: String?

    @Option(help: ArgumentHelp("The unencrypted PEM private key of --cert.", valueName: "PEM"))
    var key: String?

    @Option(help: ArgumentHelp("The users file (default: IBMUSER with password SYS1).", valueName: "FILE"))
    var users: String?

    @Option(help: ArgumentHelp("How long a job stays INPUT before it runs (default 100).", valueName: "MS"))
    var inputDelayMs: String?

    @Option(help: ArgumentHelp("How long a job stays ACTIVE (default 200).", valueName: "MS"))
    var activeDelayMs: String?

    @Flag(help: "Run in the background; return once it listens.")
    var detach = false

    /// The pipe a detached stub reports its start on (set by --detach, not by users).
    @Option(help: .hidden)
    var readyFd: Int32?

    func run() async throws {
        let settings: StubSettings
        do throws(Diagnostic) {
            guard let port else { throw Diagnostic(MessageCatalog.zosmfBadPort, ["value": "(none given: use --port P)"]) }
            settings = try StubSettings.check(
                port: port, address: address, hostname: hostname, dataDirectory: data ?? "",
                certificate: cert, key: key, usersFile: users,
                inputDelayMilliseconds: inputDelayMs, activeDelayMilliseconds: activeDelayMs)
        } catch {
            throw fail([error])
        }
        if detach {
            throw ExitCode(ZOSMFStub.startDetached(
                settings, program: currentProgram(), environment: ProcessInfo.processInfo.environment))
        }
        let status = await ZOSMFStub.run(settings, readinessFD: readyFd)
        throw ExitCode(status)
    }
}

struct ZOSMFStubStopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop the z/OSMF stub that runs on a data directory.",
        discussion: """
            Sends SIGTERM to the pid in DIR/zosmf.pid, waits for the stub to end and removes the \
            pid file; SIGKILL after --timeout seconds. A folder no stub runs on is said so (exit 0).
            """)

    @Option(help: ArgumentHelp("The stub's data directory.", valueName: "DIR"))
    var data: String

    @Option(help: ArgumentHelp("Seconds to wait after SIGTERM before SIGKILL (default 20).", valueName: "S"))
    var timeout: Int = 20

    func run() throws {
        throw ExitCode(ZOSMFStub.stop(dataDirectory: data, timeoutSeconds: max(timeout, 1)))
    }
}
