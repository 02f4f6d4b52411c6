import Foundation
import Logging
import ZweMessages

/// The body of every component program: read the environment, open the stores, serve until
/// stopped. No error leaves it: an error that reached the top level would print a backtrace
/// that takes seconds to symbolicate, so each is printed as a message and the process exits 1.
public enum ComponentMain {
    /// Runs a component to its end and exits: 0 after a graceful stop, 1 on an error.
    /// - Parameter configure: adds the component's routes and services.
    public static func run(
        _ spec: ComponentSpec,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        configure: (inout ComponentServer) throws(Diagnostic) -> Void = { _ in }
    ) async -> Never {
        prepareProcess()
        do throws(Diagnostic) {
            var server = try makeServer(spec, environment: environment)
            try configure(&server)
            try await server.run()
            exit(0)
        } catch {
            fail(error)
        }
    }

    /// Reads the environment, installs the log handler and opens the stores: everything
    /// before listening, for programs that want to run the server themselves.
    public static func makeServer(
        _ spec: ComponentSpec, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Diagnostic) -> ComponentServer {
        let settings = try ComponentEnvironment.read(
            component: spec.id, portVariable: spec.portVariable, environment: environment)
        let logger = bootstrapLogging(settings)
        let identity = try TLSIdentity.load(from: settings)
        return ComponentServer(spec: spec, environment: settings, identity: identity, logger: logger)
    }

    /// Sends swift-log output to stdout in the launcher's form, once per process.
    public static func bootstrapLogging(_ settings: ComponentEnvironment) -> Logger {
        let level = settings.logLevel.loggerLevel
        LoggingSystem.bootstrap { _ in ComponentLogHandler(jobName: settings.jobName, level: level) }
        var logger = Logger(label: settings.componentID)
        logger.logLevel = level
        return logger
    }

    /// Prints the message with its cause and fix to stderr and exits.
    public static func fail(_ diagnostic: Diagnostic, status: Int32 = 1) -> Never {
        ComponentLogHandler.write(diagnostic.explained + "\n", to: STDERR_FILENO)
        exit(status)
    }

    /// The process state a component must not inherit from whoever started it.
    public static func prepareProcess() {
        // A closed log pipe must cost log lines, not the component: write(2) reports EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
        // A parent that spawned us from a thread blocking SIGTERM (Foundation's Process from
        // async code does) passes that mask on. Measured: ServiceLifecycle still gets the signal,
        // because Dispatch parks the main thread in sigsuspend with an empty mask; that is
        // Dispatch's detail, not a promise, so the mask is cleared while this is the only thread.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }
}
