// ZweZOSMF owns the z/OSMF stub (`zwe zosmf-stub`): the external server that a Zowe instance
// reaches southbound and trusts through its truststore, not one of the instance's components.
// It owns the stub's own certificate (self-signed in its data directory, or one given from an
// "external CA"), its users and jwtToken sessions, the REST answers of `/zosmf/info`,
// `/zosmf/services/authenticate` and `/zosmf/restjobs` with z/OSMF's fields, codes and errors,
// a small JES that reads JCL, runs IEFBR14 and IEBGENER and writes a plausible spool, the data
// directory in which every acknowledged job and spool record is durable (see DataDirectory),
// and running in the foreground or detached, with its pid file and `stop`.

import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import UnixSignals
import ZweMessages

public enum ZOSMFStub {
    /// The line a detached stub writes to its parent once it listens.
    static let readyMarker = "ZOSMF-STUB-READY"

    /// Runs the stub in this process until SIGTERM or SIGINT; 0 after a graceful stop, 1 when
    /// it could not start (the message with its cause and fix is on stderr). With
    /// `readinessFD`, start-up messages and then `readyMarker` (or the error) go there too,
    /// for the `--detach` parent that waits on it.
    public static func run(_ settings: StubSettings, readinessFD: Int32? = nil) async -> Int32 {
        prepareProcess()
        let readiness = Readiness(fd: readinessFD)
        let logger = StubLog.bootstrap(level: .info)
        do throws(Diagnostic) {
            try await serve(settings, logger: logger, readiness: readiness)
            return 0
        } catch {
            StubLog.write(error.explained + "\n", to: STDERR_FILENO)
            readiness.fail(error)
            return 1
        }
    }

    private static func serve(_ settings: StubSettings, logger: Logger, readiness: Readiness) async throws(Diagnostic) {
        // Everything that can be checked without changing anything, first.
        let users = try UserRegistry.load(settings.usersFile)
        var external: StubCertificate?
        if let given = settings.externalCertificate {
            external = try StubCertificate.external(certificate: given.certificate, key: given.key)
        }
        try DataDirectory(path: settings.dataDirectory).checkNotRunning()
        try PortProbe.check(address: settings.address, port: settings.port)
        let directory = try DataDirectory.prepare(settings.dataDirectory)

        // From here on the folder is this process's.
        let lockFD = try directory.lock()
        defer { close(lockFD) }
        var notices: [Diagnostic] = []
        if let stale = directory.recordedPID(), stale != getpid() {
            notices.append(Diagnostic(MessageCatalog.zosmfStalePIDFile, ["path": directory.pidFile, "pid": "\(stale)", "dir": directory.path]))
            unlink(directory.pidFile)
        }
        let certificate: StubCertificate
        if let external {
            certificate = external
        } else {
            let (made, warnings) = try StubCertificate.selfSigned(hostname: settings.hostname, directory: directory)
            certificate = made
            notices += warnings
        }
        let store = SpoolStore(directory: directory)
        let recovery: SpoolStore.Recovery
        do throws(DiskError) {
            recovery = try store.recover()
        } catch {
            throw Diagnostic(MessageCatalog.zosmfDataDirectoryUnusable, ["dir": directory.path, "reason": error.description])
        }
        for damaged in recovery.damaged {
            notices.append(Diagnostic(MessageCatalog.zosmfJobUnreadable, ["path": damaged.path, "moved": damaged.moved, "reason": damaged.reason]))
        }
        for (job, was) in recovery.requeued {
            notices.append(Diagnostic(MessageCatalog.zosmfJobRequeued, ["job": job.jobid, "name": job.name, "status": was.rawValue]))
        }
        let jes = JobEntrySubsystem(store: store, recovery: recovery, timing: settings.timing, logger: logger)
        let responder = ZOSMFResponder(
            jes: jes, authentication: RequestAuthentication(users: users, sessions: SessionTokens(file: directory.sessionsFile)),
            directory: directory, hostname: settings.urlHost, port: settings.port, logger: logger)

        let started: [Diagnostic] = notices + [
            certificate.inUse,
            Diagnostic(MessageCatalog.zosmfUsersLoaded, ["users": users.userIDs.joined(separator: ", "), "source": users.source]),
            Diagnostic(MessageCatalog.zosmfJobsRecovered, [
                "jobs": "\(recovery.jobs.count)", "requeued": "\(recovery.requeued.count)",
                "next": JobNumbering.jobid(recovery.highestNumber + 1),
            ]),
        ]
        let url = "https://\(settings.urlHost):\(settings.port)/zosmf/"
        let listening = Diagnostic(MessageCatalog.zosmfListening, ["url": url, "dir": directory.path, "pid": "\(getpid())"])
        let pidWritten = PIDState()
        let application: Application<ZOSMFResponder>
        do {
            application = Application(
                responder: responder,
                server: try .tls(.http1(), tlsConfiguration: certificate.serverConfiguration()),
                configuration: ApplicationConfiguration(address: .hostname(settings.address, port: settings.port), serverName: "z/OSMF"),
                onServerRunning: { _ in
                    do throws(DiskError) {
                        try directory.writePID(getpid())
                        pidWritten.set()
                    } catch {
                        logger.error("\(Diagnostic(MessageCatalog.zosmfSpoolWriteFailed, ["path": error.path, "reason": error.reason]).description)")
                    }
                    for notice in started { log(notice, logger) }
                    log(listening, logger)
                    readiness.ready(started + [listening])
                },
                logger: quiet(logger))
        } catch {
            throw Diagnostic(MessageCatalog.zosmfCertificateUnusable, ["path": certificate.path, "reason": "\(error)"])
        }
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: JESService(jes: jes)), .init(service: application)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: quiet(logger))
        configuration.maximumGracefulShutdownDuration = Duration.seconds(10)
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            directory.removePID(ifItNames: getpid())
            if pidWritten.isSet {
                throw Diagnostic(MessageCatalog.zosmfServerFailed, ["reason": describe(error)])
            }
            throw Diagnostic(MessageCatalog.zosmfCannotListen, [
                "address": settings.address, "port": "\(settings.port)", "reason": describe(error),
            ])
        }
        directory.removePID(ifItNames: getpid())
        log(Diagnostic(MessageCatalog.zosmfStopped, ["pid": "\(getpid())", "dir": directory.path]), logger)
    }

    static func log(_ diagnostic: Diagnostic, _ logger: Logger) {
        switch diagnostic.severity {
        case .info: logger.info("\(diagnostic.description)")
        case .warning: logger.warning("\(diagnostic.description)")
        case .error: logger.error("\(diagnostic.description)")
        }
    }

    /// Hummingbird's and ServiceLifecycle's own lines only from warnings up.
    private static func quiet(_ logger: Logger) -> Logger {
        var quiet = logger
        if quiet.logLevel > .debug { quiet.logLevel = .warning }
        return quiet
    }

    /// NIO's IOError describes itself with the C call; errno's words are what a user needs.
    static func describe(_ error: any Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        return "\(error)"
    }

    /// The process state the stub must not inherit: SIGPIPE would end it on a closed log, and
    /// a parent may have blocked SIGTERM in the thread that started it.
    private static func prepareProcess() {
        signal(SIGPIPE, SIG_IGN)
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }
}

/// Whether the pid file was written, i.e. whether the server got as far as listening.
private final class PIDState: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .sequentiallyConsistent) }
    var isSet: Bool { flag.load(ordering: .sequentiallyConsistent) }
}
