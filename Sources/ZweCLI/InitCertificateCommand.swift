import ArgumentParser
import Foundation
import ZweCertificates
import ZweConfiguration
import ZweMessages

struct InitCertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate",
        abstract: "Write a Zowe keystore directory (zowe-setup-certificates.sh, or zwe init certificate of Zowe v2).",
        discussion: """
            With -p (Zowe v1): reads the runtime's bin/zowe-setup-certificates.env for defaults and the -p file \
            for your values (Zowe v1.28 names: KEYSTORE_DIRECTORY, HOSTNAME, IPADDRESS, \
            KEYSTORE_ALIAS, KEYSTORE_PASSWORD, VERIFY_CERTIFICATES, EXTERNAL_CERTIFICATE, \
            ZOSMF_CERTIFICATE or ZOWE_ZOSMF_HOST/ZOWE_ZOSMF_PORT, COMPONENT_LEVEL_CERTIFICATES, KEY_ALGORITHM, ...). Writes the local \
            CA, the Zowe certificate and its key, PKCS#12 keystore and truststore, and \
            zowe-certificates.env. \
            With -c (Zowe v2): reads zowe.setup.certificate of the zowe.yaml (type PKCS12 or JCERACFKS, \
            dname, validity, san or zowe.externalDomains, importCertificateAuthorities, pkcs12.* or \
            keyring.*), zowe.verifyCertificates and zOSMF.host/port, and writes Zowe v2's layout \
            (<directory>/<name>/<name>.keystore.p12, .truststore.p12, <name>.key, <name>.cer, \
            <directory>/<caAlias>/<caAlias>.cer); --update-config then sets zowe.certificate in the \
            first -c file, keeping its comments and order, else the values to add are printed. \
            The new set replaces the old one in a single step. \
            The password is never taken from an argument: --password-file, then \
            ZWE_KEYSTORE_PASSWORD, then KEYSTORE_PASSWORD (v1) or pkcs12.password (v2) in the file, \
            then a prompt (v1) or Zowe's default 'password' (v2).
            """)

    @Option(name: .customShort("p"), help: ArgumentHelp("The setup env file (Zowe v1).", valueName: "FILE.env"))
    var parameterFile: String?

    @Option(name: [.customShort("c"), .customLong("config")],
            help: ArgumentHelp("The zowe.yaml (Zowe v2), or several as FILE(a.yaml):FILE(b.yaml).", valueName: "zowe.yaml"))
    var configFile: String?

    @Flag(help: "With -c: write zowe.certificate into the first -c file instead of printing the values.")
    var updateConfig = false

    @Option(name: .customShort("l"), help: ArgumentHelp("Also write a log file into this folder.", valueName: "LOGDIR"))
    var logDirectory: String?

    @Option(help: ArgumentHelp("Read the keystore password from the first line of this file.", valueName: "FILE"))
    var passwordFile: String?

    @Flag(help: "Use this machine's host name and first non-loopback address for HOSTNAME and IPADDRESS.")
    var detectHost = false

    func run() async throws {
        let given = [parameterFile.map { _ in "-p" }, configFile.map { _ in "-c" }].compactMap { $0 }
        guard given.count == 1 else {
            throw fail([Diagnostic(MessageCatalog.setupArgumentsConflict, ["given": given.isEmpty ? "neither" : "both"])])
        }
        if let configFile {
            guard !detectHost else {
                throw fail([Diagnostic(MessageCatalog.setupArgumentsConflict, ["given": "-c with --detect-host (give the names in zowe.setup.certificate.san)"])])
            }
            try await runFromZoweYAML(configArgument: configFile, updateConfig: updateConfig, passwordFile: passwordFile, logDirectory: logDirectory)
            return
        }
        guard let parameterFile, !updateConfig else {
            throw fail([Diagnostic(MessageCatalog.setupArgumentsConflict, ["given": "-p with --update-config (which writes into a -c zowe.yaml)"])])
        }
        try await withSetupLog(logDirectory: logDirectory, fileStem: "zowe-setup-certificates") { log in
            let settings = try readSetupSettings(parameterFile: parameterFile, passwordFile: passwordFile, detectHost: detectHost, log: log)
            log.write(Diagnostic(MessageCatalog.setupStarting, [
                "dir": settings.keystoreDirectory, "file": parameterFile, "alias": settings.alias,
                "algorithm": settings.external == nil ? settings.keyAlgorithm.description : "external certificate",
            ]))
            return try await KeystoreSetup(settings: settings).run(onWait: waiting(log, settings), onMessage: { log.write($0) })
        }
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
    try await withSetupMessages(logDirectory: logDirectory, fileStem: fileStem) { try await body($0).messages }
}

/// As `withSetupLog`, for work that hands back its closing messages.
func withSetupMessages(logDirectory: String?, fileStem: String, _ body: (ConsoleLog) async throws -> [Diagnostic]) async throws {
    let log: ConsoleLog
    do {
        log = try ConsoleLog(name: "ZWESETUP", logDirectory: logDirectory, fileStem: fileStem)
    } catch {
        throw fail([error])
    }
    do {
        for message in try await body(log) { log.write(message) }
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
