import ArgumentParser
import Foundation
import ZweCertificates
import ZweConfiguration
import ZweMessages

struct InitCertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate",
        abstract: "Write a Zowe keystore directory (zowe-setup-certificates.sh).",
        discussion: """
            Reads the runtime's bin/zowe-setup-certificates.env for defaults and the -p file \
            for your values (Zowe v1.28 names: KEYSTORE_DIRECTORY, HOSTNAME, IPADDRESS, \
            KEYSTORE_ALIAS, KEYSTORE_PASSWORD, VERIFY_CERTIFICATES, EXTERNAL_CERTIFICATE, \
            ZOSMF_CERTIFICATE or ZOWE_ZOSMF_HOST/ZOWE_ZOSMF_PORT, COMPONENT_LEVEL_CERTIFICATES, KEY_ALGORITHM, ...). Writes the local \
            CA, the Zowe certificate and its key, PKCS#12 keystore and truststore, and \
            zowe-certificates.env. The new set replaces the old one in a single step. \
            The password is never taken from an argument: --password-file, then \
            ZWE_KEYSTORE_PASSWORD, then KEYSTORE_PASSWORD in the file, then a prompt.
            """)

    @Option(name: .customShort("p"), help: ArgumentHelp("The setup env file.", valueName: "FILE.env"))
    var parameterFile: String

    @Option(name: .customShort("l"), help: ArgumentHelp("Also write a log file into this folder.", valueName: "LOGDIR"))
    var logDirectory: String?

    @Option(help: ArgumentHelp("Read the keystore password from the first line of this file.", valueName: "FILE"))
    var passwordFile: String?

    @Flag(help: "Use this machine's host name and first non-loopback address for HOSTNAME and IPADDRESS.")
    var detectHost = false

    func run() async throws {
        try await withSetupLog(logDirectory: logDirectory, fileStem: "zowe-setup-certificates") { log in
            let settings = try readSettings(log: log)
            log.write(Diagnostic(MessageCatalog.setupStarting, [
                "dir": settings.keystoreDirectory, "file": parameterFile, "alias": settings.alias,
                "algorithm": settings.external == nil ? settings.keyAlgorithm.description : "external certificate",
            ]))
            return try await KeystoreSetup(settings: settings).run(onWait: waiting(log, settings), onMessage: { log.write($0) })
        }
    }

    private func readSettings(log: ConsoleLog) throws -> SetupSettings {
        try readSetupSettings(parameterFile: parameterFile, passwordFile: passwordFile, detectHost: detectHost, log: log)
    }
}

/// Reads a setup file (`-p`) with the runtime's defaults, the password from --password-file,
/// the environment or a prompt, and the detected host when asked.
func readSetupSettings(parameterFile: String, passwordFile: String?, detectHost: Bool, log: ConsoleLog) throws -> SetupSettings {
    let environment = ProcessInfo.processInfo.environment
    var defaults: EnvFile?
    if let runtime = RuntimeDirectory.ofRunningProgram() {
        defaults = try EnvFile.load(path: runtime + "/bin/zowe-setup-certificates.env", environment: environment)
    } else {
        log.write(Diagnostic(MessageCatalog.defaultsNotFound))
    }
    // The -p file sees the defaults' values in its expansions, as when a shell sources both.
    let visible = environment.merging(defaults?.values ?? [:]) { _, fromDefaults in fromDefaults }
    let file = try EnvFile.load(path: parameterFile, environment: visible)

    var overrides = SetupSettings.Overrides()
    overrides.password = try PasswordSource.fromFileOrEnvironment(passwordFile: passwordFile)
    let keyringMode = !(file["ZOWE_KEYRING"] ?? defaults?["ZOWE_KEYRING"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty
    if overrides.password == nil, !keyringMode, (file["KEYSTORE_PASSWORD"] ?? defaults?["KEYSTORE_PASSWORD"] ?? "").isEmpty {
        overrides.password = PasswordSource.prompt("Keystore password: ")
    }
    if detectHost {
        overrides.detectedHostname = HostDetection.hostname()
        overrides.detectedAddress = HostDetection.firstAddress()
        log.write(Diagnostic(MessageCatalog.hostDetected, [
            "hostname": overrides.detectedHostname ?? "(none)", "address": overrides.detectedAddress ?? "(none)",
        ]))
    }
    return try SetupSettings.resolve(
        defaults: defaults, file: file, overrides: overrides,
        workingDirectory: FileManager.default.currentDirectoryPath)
}

/// The body of the commands that write a keystore directory: a console (and file) log, the
/// work, its messages, and every failure as messages with exit status 1.
func withSetupLog(logDirectory: String?, fileStem: String, _ body: (ConsoleLog) async throws -> KeystoreSetup.Result) async throws {
    let log: ConsoleLog
    do {
        log = try ConsoleLog(name: "ZWESETUP", logDirectory: logDirectory, fileStem: fileStem)
    } catch {
        throw fail([error])
    }
    do {
        for message in try await body(log).messages { log.write(message) }
    } catch let diagnostics as Diagnostics {
        throw fail(diagnostics.items, log: log)
    } catch let diagnostic as Diagnostic {
        throw fail([diagnostic], log: log)
    }
}

/// Said once when another setup holds the keystore directory's lock.
func waiting(_ log: ConsoleLog, _ settings: SetupSettings) -> @Sendable () -> Void {
    let directory = settings.keystoreDirectory
    return { log.write(Diagnostic(MessageCatalog.setupWaiting, ["dir": directory])) }
}
