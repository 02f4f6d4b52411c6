import ArgumentParser
import Foundation
import ZweKeyMaterial
import ZweCertificates
import ZweConfiguration
import ZweMessages
import ZwePreflight

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check an instance before start: configuration, certificates, ports, components.",
        discussion: """
            Runs every preflight check in one pass and prints each finding with its message id, \
            cause, fix and location. Exit status: 0 when there is no error (warnings allowed), \
            else the number of errors (at most 100). Reads only; writes nothing.
            """)

    @Option(name: .customShort("c"), help: ArgumentHelp("The instance directory, or a zowe.yaml (FILE(a.yaml):FILE(b.yaml) for several, the first one winning).", valueName: "DIR|FILE"))
    var instanceDirectory: String

    @OptionGroup var ha: HAInstanceOption

    @Flag(help: "Print JSON: {\"errors\", \"warnings\", \"findings\": [...]}.")
    var json = false

    func run() throws {
        let report = Preflight.run(
            instanceDirectory: instanceDirectory,
            options: .init(haInstance: ha.haInstance, environment: commandEnvironment(), programRuntime: RuntimeDirectory.ofRunningProgram()))
        if json {
            print(report.json())
        } else {
            printFindings(report.findings)
            let summary = Diagnostic(MessageCatalog.instanceValid, [
                "dir": report.plan?.instanceDirectory ?? instanceDirectory, "errors": "\(report.errorCount)",
                "warnings": "\(report.warningCount)", "components": "\(report.plan?.components.count ?? 0)",
            ])
            print(summary.description)
        }
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a keystore directory's certificates, without an instance.",
        discussion: """
            Applies every certificate rule (stores open, alias, key match, key usage, extended \
            key usage, validity, host names, chain, CA constraints, permissions, weak crypto). \
            Same exit status and JSON as 'zwe validate'. The password is read from \
            zowe-certificates.env, or ZWE_KEYSTORE_PASSWORD when set.
            """)

    @Option(help: ArgumentHelp("The keystore directory.", valueName: "DIR"))
    var keystoreDir: String

    @Option(name: .customLong("host"), help: ArgumentHelp("A host name or address the certificate must cover (repeatable).", valueName: "H"))
    var hosts: [String] = []

    @Flag(help: "Print JSON: {\"errors\", \"warnings\", \"findings\": [...]}.")
    var json = false

    func run() throws {
        let directory = keystoreDir.hasPrefix("/") ? keystoreDir : FileManager.default.currentDirectoryPath + "/" + keystoreDir
        var check = CertificateCheck(keystoreDirectory: directory, hosts: hosts.map { ($0, "--host") })
        check.password = KeystorePassword.override(in: ProcessInfo.processInfo.environment)
        let result = CertificateValidator.check(check)
        let report = PreflightReport(findings: result.findings, plan: nil, certificateExpiresInDays: result.expiresInDays)
        if json {
            print(report.json())
        } else {
            printFindings(report.findings)
            print("\(report.errorCount) errors, \(report.warningCount) warnings (verify mode \(result.verifyMode.rawValue))")
        }
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}

/// Errors and warnings with cause and fix on stderr; information on stdout.
func printFindings(_ findings: [Diagnostic]) {
    for finding in findings {
        if finding.severity == .info {
            print(finding.description)
        } else {
            ConsoleLog.printExplained(finding)
        }
    }
}
