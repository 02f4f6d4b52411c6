// ZweCLI owns the `zwe` command line: argument parsing, help, passwords from files,
// the environment or a prompt (never from an argument value), console and log output,
// and exit statuses. It turns files into settings through ZweConfiguration and hands them
// to the module that does the work; it holds no logic of its own beyond that.

import ArgumentParser
import Foundation
import ZweConfiguration
import ZweMessages

public struct ZweCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "zwe",
        abstract: "Set up, check and run Zowe instances on Linux.",
        discussion: """
            Keystore directories, instance directories and their started tasks, with the \
            certificate relationships of a Zowe instance made real.
            """,
        subcommands: [
            InitCommand.self, ConfigureInstanceCommand.self, ValidateCommand.self, ConfigCommand.self, StartCommand.self,
            StopCommand.self, RestartCommand.self, StatusCommand.self, LogsCommand.self,
            CertificateCommand.self, KeyringCommand.self, ComponentsCommand.self, ExportCommand.self, MigrateCommand.self, MessagesCommand.self, ZOSMFStubCommand.self, LauncherRunCommand.self,
        ])

    public init() {}
}

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the files an instance needs.",
        subcommands: [InitCertificateCommand.self])
}

struct CertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate",
        abstract: "Look at certificates and stores.",
        subcommands: [InspectCommand.self, VerifyCommand.self, RenewCommand.self])
}

/// Prints diagnostics and ends the program with status 1 (the common end of a failed command).
func fail(_ diagnostics: [Diagnostic], log: ConsoleLog? = nil) -> ExitCode {
    for diagnostic in diagnostics {
        if let log { log.write(diagnostic) } else { ConsoleLog.printExplained(diagnostic) }
    }
    return ExitCode(1)
}

/// This process's environment as the instance commands hand it on. Folders named relative to
/// where zwe runs (ZWE_BIN_DIR, ZWE_SAF_DIR) are made absolute here, once: the launcher and
/// every component, validate scripts included, run in other folders.
func commandEnvironment() -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    for key in ["ZWE_BIN_DIR", "ZWE_SAF_DIR"] {
        if let value = environment[key], !value.isEmpty, !value.hasPrefix("/") {
            environment[key] = LaunchPlanner.normalise(value, relativeTo: FileManager.default.currentDirectoryPath)
        }
    }
    return environment
}
