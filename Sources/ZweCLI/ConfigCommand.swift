// `zwe config`: commands about a Zowe v2/v3 configuration (zowe.yaml). `zwe config validate`
// checks it against Zowe's schemas and the schemas of its enabled components, prints every
// finding with its cause and fix, and exits with the number of errors.

import ArgumentParser
import Foundation
import ZweConfiguration
import ZweMessages

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a Zowe configuration (zowe.yaml).",
        subcommands: [ConfigValidateCommand.self])
}

struct ConfigValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a zowe.yaml against the Zowe schemas and those of its enabled components.",
        discussion: """
            Reads the files given with -c (several as a.yaml:b.yaml or FILE(a.yaml):FILE(b.yaml), \
            the left-most winning), works out their ${{ }} templates, and checks the result against \
            <zowe.runtimeDirectory>/schemas (or the schemas of the runtime zwe runs from) and against \
            the schema that each enabled component's manifest names in schemas.configs. Every finding \
            is printed with its message id, location (file:line:col), cause and fix. Exit status: 0 \
            when there is no error (warnings allowed), else the number of errors (at most 100). \
            Reads only; writes nothing.
            """)

    @Option(name: .customShort("c"), help: ArgumentHelp("The zowe.yaml, or several files separated by ':'.", valueName: "FILE[:FILE...]"))
    var config: String

    func run() throws {
        let report = ConfigValidation.run(argument: config, environment: commandEnvironment(),
                                          programRuntime: RuntimeDirectory.ofRunningProgram())
        // Zowe's heading of the list, when the configuration was read and checked.
        if report.errorCount > 0, report.schemaFolder != nil {
            FileHandle.standardError.write(Data((Diagnostic(MessageCatalog.configHasExceptions).description + "\n").utf8))
        }
        printFindings(report.findings)
        if report.errorCount == 0 {
            let components = report.componentsChecked.isEmpty ? "none" : report.componentsChecked.joined(separator: ", ")
            print(Diagnostic(MessageCatalog.configValid, [
                "files": report.files.joined(separator: ":"), "schemas": report.schemaFolder ?? "-", "components": components,
            ]).description)
        }
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}
