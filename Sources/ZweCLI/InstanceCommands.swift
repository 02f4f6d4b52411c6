import ArgumentParser
import Foundation
import ZweConfiguration
import ZweLauncher

/// The path of the running `zwe`, to detach the launcher with the same program.
func currentProgram() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}

/// `--ha-instance ID`, which every command on an instance takes.
struct HAInstanceOption: ParsableArguments {
    @Option(help: ArgumentHelp("The HA instance: for an instance with ha-instances.yaml, one of its entries (default: the short host name).", valueName: "ID"))
    var haInstance: String?
}

struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start an instance (zowe-start.sh), or one of its components.",
        discussion: """
            Takes the instance lock, runs the preflight check (errors: nothing starts, exit status \
            = number of errors), runs each component's configure step, then detaches the launcher \
            (job name PREFIX+INSTANCE+SV), which starts the components in dependency order and \
            supervises them. Returns when every component is READY and prints their job names, \
            pids and URLs; exit 1 naming a component that does not become READY in time. \
            With --component ID: an operator start of that component of a running instance.
            """)

    @Option(name: .customShort("c"), help: ArgumentHelp("The instance directory, or a zowe.yaml (FILE(a.yaml):FILE(b.yaml) for several, the first one winning).", valueName: "DIR|FILE"))
    var instanceDirectory: String

    @OptionGroup var ha: HAInstanceOption

    @Flag(help: "Run the launcher in this process instead of detaching it.")
    var foreground = false

    @Flag(help: "Return once the launcher runs, without waiting for READY.")
    var noWait = false

    @Flag(help: "Stop everything when a component does not become READY.")
    var stopOnFailure = false

    @Option(help: ArgumentHelp("Start only this component of a running instance.", valueName: "ID"))
    var component: String?

    func run() throws {
        if let component {
            throw ExitCode(InstanceControl.operate(instanceDirectory: instanceDirectory, haInstance: ha.haInstance, command: "start", component: component))
        }
        var options = InstanceControl.StartOptions(
            haInstance: ha.haInstance, environment: commandEnvironment(),
            programRuntime: RuntimeDirectory.ofRunningProgram(), program: currentProgram())
        options.foreground = foreground
        options.noWait = noWait
        options.stopOnFailure = stopOnFailure
        let status = InstanceControl.start(instanceDirectory: instanceDirectory, options: options)
        if status != 0 { throw ExitCode(status) }
    }
}

struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop an instance (zowe-stop.sh), or one of its components.",
        discussion: """
            Components get SIGTERM in reverse dependency order; what is left after the shutdown \
            timeout gets SIGKILL and is named in a warning. Returns when no process of the instance \
            is left; pid file, lock and socket are removed. Stopping a stopped instance says so \
            and exits 0. With --component ID: an operator stop of that component.
            """)

    @Option(name: .customShort("c"), help: ArgumentHelp("The instance directory, or a zowe.yaml (FILE(a.yaml):FILE(b.yaml) for several, the first one winning).", valueName: "DIR|FILE"))
    var instanceDirectory: String

    @Option(help: ArgumentHelp("Seconds each component gets to stop before SIGKILL (default: its shutdown timeout).", valueName: "S"))
    var timeout: Int?

    @Option(help: ArgumentHelp("Stop only this component.", valueName: "ID"))
    var component: String?

    @OptionGroup var ha: HAInstanceOption

    func run() throws {
        let status = component.map { InstanceControl.operate(instanceDirectory: instanceDirectory, haInstance: ha.haInstance, command: "stop", component: $0) }
            ?? InstanceControl.stop(instanceDirectory: instanceDirectory, haInstance: ha.haInstance, timeout: timeout)
        if status != 0 { throw ExitCode(status) }
    }
}

struct RestartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Restart one component of a running instance.")

    @Option(name: .customShort("c"), help: ArgumentHelp("The instance directory, or a zowe.yaml (FILE(a.yaml):FILE(b.yaml) for several, the first one winning).", valueName: "DIR|FILE"))
    var instanceDirectory: String

    @Option(help: ArgumentHelp("The component to restart.", valueName: "ID"))
    var component: String

    @OptionGroup var ha: HAInstanceOption

    func run() throws {
        let status = InstanceControl.operate(instanceDirectory: instanceDirectory, haInstance: ha.haInstance, command: "restart", component: component)
        if status != 0 { throw ExitCode(status) }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show an instance's components (zowe-status.sh), or every running instance.",
        discussion: """
            Per component: job name, pid, state (STARTING, READY, UNHEALTHY, RESTARTING, FAILED, \
            STOPPED), uptime, restarts, last exit status, port and health; and the certificate's \
            days to expiry. --all lists every running instance on this host.
            """)

    @Option(name: .customShort("c"), help: ArgumentHelp("The instance directory, or a zowe.yaml (FILE(a.yaml):FILE(b.yaml) for several, the first one winning).", valueName: "DIR|FILE"))
    var instanceDirectory: String?

    @Flag(help: "Every running instance on this host.")
    var all = false

    @OptionGroup var ha: HAInstanceOption

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if !all && instanceDirectory == nil { throw ValidationError("Give -c DIR or --all.") }
    }

    func run() throws {
        let status = all
            ? InstanceControl.statusAll(json: json, environment: ProcessInfo.processInfo.environment)
            : InstanceControl.status(instanceDirectory: instanceDirectory!, haInstance: ha.haInstance, json: json)
        if status != 0 { throw ExitCode(status) }
    }
}

struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print the launcher's log, or a component's (logs/ID.log).")

    @Option(name: .customShort("c"), help: ArgumentHelp("The instance directory, or a zowe.yaml (FILE(a.yaml):FILE(b.yaml) for several, the first one winning).", valueName: "DIR|FILE"))
    var instanceDirectory: String

    @Argument(help: ArgumentHelp("A component id (default: the launcher).", valueName: "ID"))
    var component: String?

    @Flag(help: "Keep printing what is added.")
    var follow = false

    @OptionGroup var ha: HAInstanceOption

    func run() throws {
        let status = InstanceControl.logs(instanceDirectory: instanceDirectory, haInstance: ha.haInstance, component: component, follow: follow)
        if status != 0 { throw ExitCode(status) }
    }
}

/// The detached launcher process, entered synchronously on the main thread rather than through
/// the asynchronous entry point of the other commands: that one runs the command on a Dispatch
/// worker, and the first worker starts Dispatch's thread-pool monitor, a timer that would wake
/// the idle launcher every second for the rest of its life.
public enum LauncherProcess {
    public static func isRequested(_ arguments: [String] = CommandLine.arguments) -> Bool {
        arguments.dropFirst().first == LauncherRunCommand.configuration.commandName
    }

    /// Parses the launcher's options and runs it; exits with its status.
    public static func main(_ arguments: [String] = CommandLine.arguments) -> Never {
        LauncherRunCommand.main(Array(arguments.dropFirst(2)))
        exit(0)
    }
}

/// The detached launcher process that `zwe start` runs; not for people.
struct LauncherRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launcher-run",
        abstract: "The instance launcher process (started by 'zwe start').",
        shouldDisplay: false)

    @Option(name: .customShort("c"))
    var instanceDirectory: String

    @Option
    var haInstance: String

    @Option
    var lockFd: Int32

    func run() throws {
        let status = InstanceControl.runLauncher(
            instanceDirectory: instanceDirectory, haInstance: haInstance, lockFD: lockFd,
            environment: commandEnvironment(), foreground: false)
        throw ExitCode(status)
    }
}
