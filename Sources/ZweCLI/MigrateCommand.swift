import ArgumentParser
import Foundation
import ZweConfiguration
import ZweMessages

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Write a v1 instance (instance.env) as a Zowe v2 zowe.yaml.",
        discussion: """
            Maps instance.env, the keystore directory's zowe-certificates.env and ha-instances.yaml \
            as Zowe's v1-to-v2 table has them: ROOT_DIR to zowe.runtimeDirectory, ZOWE_PREFIX and \
            ZOWE_INSTANCE to zowe.job.prefix, ZOWE_EXPLORER_HOST to zowe.externalDomains, each *_PORT \
            to components.<id>.port, the verify flags to zowe.verifyCertificates, KEYSTORE_DIRECTORY \
            to zowe.setup.certificate.pkcs12.directory, the launched components to \
            components.<id>.enabled, the stores to zowe.certificate.*. Values with no v2 key go \
            under zowe.environments and are named. The result is planned again before it is \
            written (mode 600, it holds the keystore password): the same components on the same \
            ports with the same keystore, or nothing is written.
            """)

    @Option(name: .customShort("c"), help: ArgumentHelp("The v1 instance directory.", valueName: "DIR"))
    var instanceDirectory: String

    @Option(name: .customShort("o"), help: ArgumentHelp("The zowe.yaml to write.", valueName: "FILE"))
    var output: String

    @Option(help: ArgumentHelp("The HA instance whose plan is compared (instances with ha-instances.yaml).", valueName: "ID"))
    var haInstance: String?

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    func run() throws {
        let environment = commandEnvironment()
        let outputPath = LaunchPlanner.normalise(output, relativeTo: FileManager.default.currentDirectoryPath)
        let directory = LaunchPlanner.normalise(instanceDirectory, relativeTo: FileManager.default.currentDirectoryPath)
        if !force, FileManager.default.fileExists(atPath: outputPath) {
            throw fail([Diagnostic(MessageCatalog.migrateOutputExists, ["output": outputPath], location: outputPath)])
        }
        let migration: InstanceMigration
        do {
            migration = try InstanceMigration.migrate(instanceDirectory: directory, environment: environment,
                                                      programRuntime: RuntimeDirectory.ofRunningProgram())
        } catch {
            throw fail(error.items)
        }
        let written: MigrationWriter.Written
        do {
            written = try MigrationWriter.write(migration, to: outputPath, instanceDirectory: directory,
                                                haInstance: haInstance, environment: environment)
        } catch {
            throw fail(error.items)
        }
        for diagnostic in written.report { ConsoleLog.printExplained(diagnostic) }
    }
}
