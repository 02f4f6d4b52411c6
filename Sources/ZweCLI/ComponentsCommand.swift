// `zwe components install|upgrade|enable|disable -c zowe.yaml`: Zowe v2's commands for the
// components of a configuration. The work is ComponentInstaller's (the files) and
// ZoweConfigEditor's (components.<id>.enabled in the first -c file); this file reads the
// arguments and prints the outcome.

import ArgumentParser
import Foundation
import ZweConfiguration
import ZweMessages

struct ComponentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "components",
        abstract: "Install, upgrade, enable or disable the components of a zowe.yaml (Zowe v2).",
        subcommands: [ComponentsInstallCommand.self, ComponentsUpgradeCommand.self, ComponentsEnableCommand.self, ComponentsDisableCommand.self])
}

/// -c and --ha-instance, which every `zwe components` command takes.
struct ComponentsConfigOptions: ParsableArguments {
    @Option(name: [.customShort("c"), .customLong("config")],
            help: ArgumentHelp("The zowe.yaml, or several as FILE(a.yaml):FILE(b.yaml); changes go into the first.", valueName: "zowe.yaml"))
    var config: String

    @Option(help: ArgumentHelp("Set the flag for this HA instance only (haInstances.ID.components.<id>.enabled).", valueName: "ID"))
    var haInstance: String?

    func load() throws(Diagnostics) -> (ZoweConfig, ComponentPlaces) {
        let directory = FileManager.default.currentDirectoryPath
        let loaded = try ZoweConfig.load(argument: config, relativeTo: directory, environment: ProcessInfo.processInfo.environment)
        return (loaded, ComponentPlaces(loaded, workingDirectory: directory))
    }
}

/// install and upgrade: the files, then (install) the component enabled.
private func installComponent(_ source: String, mode: ComponentInstaller.Mode, options: ComponentsConfigOptions, enable: Bool) throws {
    do {
        let (config, places) = try options.load()
        let installer = ComponentInstaller(places: places, environment: ProcessInfo.processInfo.environment)
        let installed = try installer.install(source, mode: mode, workingDirectory: FileManager.default.currentDirectoryPath) { id throws(Diagnostic) in
            // The flag must be settable before the files move: nothing is done half.
            if enable {
                try ZoweConfigEditor.check([ZoweConfigEditor.Change(ComponentPlaces.enabledPath(id, haInstance: options.haInstance), .boolean(true))],
                                           inFile: config.files[0])
            }
        }
        print(Diagnostic(MessageCatalog.componentInstalled, [
            "id": installed.id, "action": mode == .install ? "installed" : "upgraded", "dir": (installed.directory as NSString).deletingLastPathComponent,
        ]).description)
        if enable { try setEnabled(installed.id, true, config: config, haInstance: options.haInstance) }
    } catch let diagnostics as Diagnostics {
        throw fail(diagnostics.items)
    } catch let diagnostic as Diagnostic {
        throw fail([diagnostic])
    }
}

/// Sets the enabled flag in the first configuration file and says what it was.
private func setEnabled(_ id: String, _ enabled: Bool, config: ZoweConfig, haInstance: String?) throws(Diagnostic) {
    let file = config.files[0]
    let path = ComponentPlaces.enabledPath(id, haInstance: haInstance)
    if let haInstance, config.node(ConfigPath(steps: [.key("haInstances"), .key(haInstance)])) == nil {
        let defined = config.keys("haInstances")
        ConsoleLog.printExplained(Diagnostic(MessageCatalog.haInstanceUnknownForEdit, [
            "id": haInstance, "path": file, "defined": defined.isEmpty ? "none" : defined.joined(separator: ", "),
        ], location: config.location("haInstances")))
    }
    let previous = config.node(path).map { $0.isNull ? "null" : ($0.text ?? $0.typeName) } ?? "not set"
    let changed = try ZoweConfigEditor.apply([ZoweConfigEditor.Change(path, .boolean(enabled))], toFile: file)
    let said = Diagnostic(MessageCatalog.componentEnabledState, ["key": path.description, "value": "\(enabled)", "previous": previous],
                          location: file)
    print(said.description)
    if !changed { print(Diagnostic(MessageCatalog.configAlreadySet, ["path": file, "changes": "\(path)=\(enabled)"]).description) }
}

struct ComponentsInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install a component into zowe.extensionDirectory and enable it.",
        discussion: """
            -o names the component's folder or its .zip (unpacked with the system unzip), .tar, \
            .tar.gz, .tgz or .pax (the system tar) archive; its manifest, at the top or inside its \
            only folder, gives the id. The files are put into <zowe.extensionDirectory>/<id> in one \
            rename; a component already there is refused (see 'zwe components upgrade'). Then \
            components.<id>.enabled (or haInstances.<ID>.components.<id>.enabled) is set to true.
            """)

    @Option(name: [.customShort("o"), .customLong("component"), .customLong("component-file")],
            help: ArgumentHelp("The component folder or archive.", valueName: "PATH"))
    var component: String

    @Flag(help: "Install the files only; do not enable the component.")
    var skipEnable = false

    @OptionGroup var options: ComponentsConfigOptions

    func run() throws {
        try installComponent(component, mode: .install, options: options, enable: !skipEnable)
    }
}

struct ComponentsUpgradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Replace an installed component of zowe.extensionDirectory with a new folder or archive.",
        discussion: """
            As install, for a component that is already in the extension directory: the new files \
            take the old folder's place in one step, and the configuration is left as it is.
            """)

    @Option(name: [.customShort("o"), .customLong("component"), .customLong("component-file")],
            help: ArgumentHelp("The new component folder or archive.", valueName: "PATH"))
    var component: String

    @OptionGroup var options: ComponentsConfigOptions

    func run() throws {
        try installComponent(component, mode: .upgrade, options: options, enable: false)
    }
}

/// enable and disable.
private func switchComponent(_ id: String, _ enabled: Bool, options: ComponentsConfigOptions) throws {
    do {
        let (config, places) = try options.load()
        guard places.find(id) != nil else { throw places.notFound(id) }
        try setEnabled(id, enabled, config: config, haInstance: options.haInstance)
    } catch let diagnostics as Diagnostics {
        throw fail(diagnostics.items)
    } catch let diagnostic as Diagnostic {
        throw fail([diagnostic])
    }
}

struct ComponentsEnableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable",
        abstract: "Set components.<id>.enabled to true in the first -c file, keeping its comments and order.")

    @Option(name: [.customShort("o"), .customLong("component"), .customLong("component-name")],
            help: ArgumentHelp("The component id.", valueName: "ID"))
    var component: String

    @OptionGroup var options: ComponentsConfigOptions

    func run() throws { try switchComponent(component, true, options: options) }
}

struct ComponentsDisableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Set components.<id>.enabled to false in the first -c file, keeping its comments and order.")

    @Option(name: [.customShort("o"), .customLong("component"), .customLong("component-name")],
            help: ArgumentHelp("The component id.", valueName: "ID"))
    var component: String

    @OptionGroup var options: ComponentsConfigOptions

    func run() throws { try switchComponent(component, false, options: options) }
}
