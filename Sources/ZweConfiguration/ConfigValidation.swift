// `zwe config validate`: a zowe.yaml (one file, or several merged left-most first) checked
// against Zowe's schemas and against the schema of every enabled component, every problem in
// one report. The schemas come from <zowe.runtimeDirectory>/schemas, or from the runtime zwe
// runs from when zowe.runtimeDirectory is not a folder here (a z/OS path, or not set). As in
// Zowe, a component's schema describes the whole configuration (it includes the core schema
// and adds its components.<id> section); it is applied with the component's manifest
// `configs` as the defaults under the user's components.<id>.

import Foundation
import ZweMessages

public struct ConfigValidationReport: Sendable {
    /// The configuration files, highest priority first.
    public var files: [String]
    /// The folder the Zowe schemas were read from; nil when none was found.
    public var schemaFolder: String?
    /// The enabled components whose schema was applied, in configuration order.
    public var componentsChecked: [String] = []
    /// Errors and warnings, in file and line order.
    public var findings: [Diagnostic] = []

    public var errorCount: Int { findings.filter { $0.severity == .error }.count }
    /// 0 when there is no error, else the number of errors (at most 100).
    public var exitStatus: Int32 { Int32(min(errorCount, 100)) }
}

public enum ConfigValidation {
    /// The schema a zowe.yaml is checked against, in the schemas folder of a runtime.
    public static let coreSchemaFile = "zowe-yaml-schema.json"

    /// Reads the `-c` value (`a.yaml`, `a.yaml:b.yaml`, `FILE(a):FILE(b)`) and checks it.
    public static func run(argument: String, relativeTo base: String = FileManager.default.currentDirectoryPath,
                           environment: [String: String], programRuntime: String?) -> ConfigValidationReport {
        let files = ZoweConfig.files(inArgument: argument, relativeTo: base) ?? []
        do {
            let config = try ZoweConfig.load(argument: argument, relativeTo: base, environment: environment)
            return run(config, programRuntime: programRuntime)
        } catch {
            return ConfigValidationReport(files: files, schemaFolder: nil, findings: DiagnosticOrder.sortedUnique(error.items, fileOrder: files))
        }
    }

    public static func run(_ config: ZoweConfig, programRuntime: String?) -> ConfigValidationReport {
        var report = ConfigValidationReport(files: config.files, schemaFolder: nil)
        let runtime = config.string("zowe.runtimeDirectory").flatMap { isFolder($0) ? $0 : nil }
        let fallbackRuntime = runtime == nil ? programRuntime : nil

        guard let core = loadCoreSchemas(config, runtime: runtime, programRuntime: programRuntime, into: &report) else {
            report.findings = DiagnosticOrder.sortedUnique(report.findings, fileOrder: config.files)
            return report
        }
        var findings = report.findings
        var validator = ConfigSchemaValidator(schemas: core.set)
        findings += validator.validate(config.root, against: core.document)

        for (id, key) in enabledComponents(config.root) {
            let searched = componentFolders(id, config: config, runtime: runtime, fallbackRuntime: fallbackRuntime)
            guard let folder = searched.first(where: hasManifest) else {
                findings.append(Diagnostic(MessageCatalog.configComponentNotFound, [
                    "id": id, "searched": searched.isEmpty ? "no runtime or extension directory is known" : searched.joined(separator: ", "),
                ], location: key.description))
                continue
            }
            findings += checkComponent(id, folder: folder, config: config, core: core.set, checked: &report.componentsChecked)
        }
        report.findings = DiagnosticOrder.sortedUnique(findings, fileOrder: config.files)
        return report
    }

    // MARK: - the core schemas

    private static func loadCoreSchemas(_ config: ZoweConfig, runtime: String?, programRuntime: String?,
                                        into report: inout ConfigValidationReport) -> (set: ConfigSchemaSet, document: ConfigSchemaSet.Document)? {
        let candidates = [runtime, programRuntime].compactMap { $0.map { $0 + "/schemas" } }
        guard let folder = candidates.first(where: isFolder) else {
            let looked = candidates.isEmpty ? "zowe.runtimeDirectory is not a folder here and the runtime of zwe is not known"
                : "there is no schemas folder at " + candidates.joined(separator: " or ")
            report.findings.append(Diagnostic(MessageCatalog.schemaUnusable, ["schema": coreSchemaFile, "reason": looked],
                                              location: config.location("zowe.runtimeDirectory")))
            return nil
        }
        report.schemaFolder = folder
        do {
            let set = try ConfigSchemaSet.load(folder: folder)
            guard let document = set.document(named: coreSchemaFile) else {
                report.findings.append(Diagnostic(MessageCatalog.schemaUnusable, [
                    "schema": folder + "/" + coreSchemaFile, "reason": "the file is not there",
                ], location: folder))
                return nil
            }
            return (set, document)
        } catch {
            report.findings += error.items
            return nil
        }
    }

    // MARK: - components

    /// `components.<id>` entries whose `enabled` is the boolean true, with where the id is written.
    static func enabledComponents(_ root: ConfigNode) -> [(id: String, key: ConfigLocation)] {
        (root["components"]?.entries ?? []).compactMap { entry in
            guard case .scalar(let flag, .boolean, _)? = entry.value["enabled"], flag.lowercased() == "true" else { return nil }
            return (entry.key, entry.keyLocation)
        }
    }

    /// Where a component's folder may be: the runtime's components, then the extension directory.
    private static func componentFolders(_ id: String, config: ZoweConfig, runtime: String?, fallbackRuntime: String?) -> [String] {
        guard !id.isEmpty, !id.contains("/"), id != ".", id != ".." else { return [] }
        var folders: [String] = []
        if let runtime { folders.append(runtime + "/components/" + id) }
        if let extensions = config.string("zowe.extensionDirectory") { folders.append(extensions + "/" + id) }
        if let fallbackRuntime { folders.append(fallbackRuntime + "/components/" + id) }
        return folders
    }

    private static func checkComponent(_ id: String, folder: String, config: ZoweConfig, core: ConfigSchemaSet,
                                       checked: inout [String]) -> [Diagnostic] {
        let manifest: ComponentManifest
        do {
            manifest = try ComponentManifest.load(componentDirectory: folder)
        } catch {
            return error.items
        }
        guard !manifest.schemasConfigs.isEmpty else {
            let strict = config.string("zowe.configmgr.validation") == "STRICT"
            return [Diagnostic(strict ? MessageCatalog.componentSchemaMissing : MessageCatalog.componentSchemaMissingWarning,
                               ["id": id, "manifest": manifest.path], location: manifest.path)]
        }
        var set = core
        var documents: [ConfigSchemaSet.Document] = []
        for file in manifest.schemasConfigs {
            do {
                documents.append(try set.add(file: file.hasPrefix("/") ? file : folder + "/" + file))
            } catch {
                return [error]
            }
        }
        var validator = ConfigSchemaValidator(schemas: set)
        checked.append(id)
        return validator.validate(withDefaults(config.root, component: id, defaults: manifest.configs), against: documents[0])
    }

    /// The tree with the component's defaults under the user's `components.<id>` values.
    static func withDefaults(_ root: ConfigNode, component id: String, defaults: ConfigNode?) -> ConfigNode {
        guard let defaults, case .mapping(var entries, let location) = root,
              let index = entries.firstIndex(where: { $0.key == "components" }),
              case .mapping(var components, let componentsLocation) = entries[index].value,
              let own = components.firstIndex(where: { $0.key == id }) else { return root }
        components[own].value = under(defaults, components[own].value)
        entries[index].value = .mapping(components, componentsLocation)
        return .mapping(entries, location)
    }

    /// `value` with the keys of `defaults` that it lacks, mapping by mapping.
    private static func under(_ defaults: ConfigNode, _ value: ConfigNode) -> ConfigNode {
        guard case .mapping(let base, _) = defaults, case .mapping(var entries, let location) = value else { return value }
        for entry in base {
            if let index = entries.firstIndex(where: { $0.key == entry.key }) {
                entries[index].value = under(entry.value, entries[index].value)
            } else {
                entries.append(entry)
            }
        }
        return .mapping(entries, location)
    }

    private static func hasManifest(_ folder: String) -> Bool {
        ComponentManifest.fileNames.contains { FileManager.default.fileExists(atPath: folder + "/" + $0) }
    }

    private static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }
}
