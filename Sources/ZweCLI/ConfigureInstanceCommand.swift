import ArgumentParser
import Foundation
import ZweCertificates
import ZweConfiguration
import ZweMessages

struct ConfigureInstanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configure-instance",
        abstract: "Create or update an instance directory (zowe-configure-instance.sh).",
        discussion: """
            Writes DIR/instance.env from the runtime's template (ROOT_DIR, KEYSTORE_DIRECTORY, \
            ZOWE_EXPLORER_HOST, ZOWE_IP_ADDRESS, ZOSMF_HOST, ZOSMF_PORT filled in from --set, \
            else from the keystore's certificate), bin/zowe-start.sh, bin/zowe-stop.sh, \
            bin/zowe-status.sh and logs/. On an existing instance it adds the template keys \
            that are missing, rewrites a ROOT_DIR that names another runtime, and keeps every \
            value you set.
            """)

    @Option(name: .customShort("c"), help: ArgumentHelp("The instance directory.", valueName: "DIR"))
    var instanceDirectory: String

    @Option(help: ArgumentHelp("The keystore directory (sets KEYSTORE_DIRECTORY).", valueName: "KEYSTORE_DIR"))
    var keystore: String?

    @Option(name: .customLong("set"), parsing: .singleValue, help: ArgumentHelp("Set a key of instance.env (repeatable).", valueName: "KEY=VALUE"))
    var sets: [String] = []

    func run() throws {
        guard let runtime = RuntimeDirectory.ofRunningProgram() else {
            throw fail([Diagnostic(MessageCatalog.rootDirUndefined)])
        }
        guard let template = InstanceConfigurator.templateDirectory(forRuntime: runtime) else {
            throw fail([Diagnostic(MessageCatalog.envFileMissing, ["path": runtime + "/instance-template/instance.env"])])
        }
        var pairs: [(String, String)] = []
        for argument in sets {
            guard let equals = argument.firstIndex(of: "="), ShellQuoting.isName(String(argument[..<equals])) else {
                throw fail([Diagnostic(MessageCatalog.setArgumentInvalid, ["value": argument])])
            }
            pairs.append((String(argument[..<equals]), String(argument[argument.index(after: equals)...])))
        }
        func given(_ key: String) -> String? { pairs.last { $0.0 == key }?.1 }
        let cwd = FileManager.default.currentDirectoryPath
        var keystoreDirectory = keystore ?? given("KEYSTORE_DIRECTORY") ?? ""
        if !keystoreDirectory.isEmpty && !keystoreDirectory.hasPrefix("/") { keystoreDirectory = cwd + "/" + keystoreDirectory }
        if keystore != nil { pairs.removeAll { $0.0 == "KEYSTORE_DIRECTORY" } }
        let names = keystoreDirectory.isEmpty ? nil : KeystoreNames.primary(keystoreDirectory: keystoreDirectory)
        let placeholders = [
            "keystore_directory": keystoreDirectory,
            "zowe_explorer_host": given("ZOWE_EXPLORER_HOST") ?? names?.host ?? "localhost",
            "zowe_ip_address": given("ZOWE_IP_ADDRESS") ?? names?.address ?? "127.0.0.1",
            "zosmf_host": given("ZOSMF_HOST") ?? "",
            "zosmf_port": given("ZOSMF_PORT") ?? "",
        ]
        // On an existing instance, --keystore is a change like --set.
        if let keystore, FileManager.default.fileExists(atPath: instanceDirectory + "/instance.env") {
            pairs.append(("KEYSTORE_DIRECTORY", keystore.hasPrefix("/") ? keystore : cwd + "/" + keystore))
        }
        do {
            let done = try InstanceConfigurator(runtimeDirectory: runtime, templateDirectory: template)
                .configure(directory: instanceDirectory, placeholders: placeholders, sets: pairs)
            print(done.description)
        } catch {
            throw fail(error.items)
        }
    }
}
