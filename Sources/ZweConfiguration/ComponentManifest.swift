// A component describes itself in the manifest of its folder. Zowe's manifests carry many
// keys for other tools (license, appfwPlugins...); only the keys the launcher and `zwe config
// validate` act on are read here (schemas.configs and configs among them), and everything else
// is left alone so that a real Zowe component folder can be used as it is. The keys that are
// read are checked in full, and every problem in the file is reported at once, each at the
// value it is about.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ZweMessages

public struct ComponentManifest: Sendable, Equatable {
    public struct Commands: Sendable, Equatable {
        public var start: String?
        public var validate: String?
        public var configure: String?

        public init(start: String? = nil, validate: String? = nil, configure: String? = nil) {
            self.start = start
            self.validate = validate
            self.configure = configure
        }
    }

    public struct HealthCheck: Sendable, Equatable {
        /// The environment variable that holds the port to ask.
        public var portVariable: String
        public var path: String

        public init(portVariable: String, path: String) {
            self.portVariable = portVariable
            self.path = path
        }
    }

    /// Seconds; nil where the launcher's default applies.
    public struct LauncherPolicy: Sendable, Equatable {
        public var restartIntervals: [Int]?
        public var minUptime: Int?
        public var shutdownTimeout: Int?
        public var readyTimeout: Int?

        public init(restartIntervals: [Int]? = nil, minUptime: Int? = nil, shutdownTimeout: Int? = nil, readyTimeout: Int? = nil) {
            self.restartIntervals = restartIntervals
            self.minUptime = minUptime
            self.shutdownTimeout = shutdownTimeout
            self.readyTimeout = readyTimeout
        }
    }

    /// The file read.
    public var path: String
    public var name: String?
    public var id: String
    public var title: String?
    public var version: String?
    public var commands: Commands
    /// `apimlServices.static[].file`, in file order.
    public var staticServiceFiles: [String]
    /// Two upper-case letters or digits.
    public var jobCode: String?
    /// Component ids.
    public var dependsOn: [String]
    public var healthCheck: HealthCheck?
    public var launcher: LauncherPolicy
    /// `schemas.configs`: the JSON schema file(s) of the component's configuration, relative to
    /// its folder (Zowe allows one file or a list; the first is the schema applied).
    public var schemasConfigs: [String] = []
    /// `configs`: the component's defaults for its `components.<id>` section, each value with
    /// its place in the manifest. Not part of equality.
    public var configs: ConfigNode?
    // Lines of the keys read, by dotted name ("id", "launcher.minUptime"). Not part of
    // equality: two manifests that say the same thing are equal however they are laid out.
    private var keyLines: [String: Int] = [:]

    public init(path: String, name: String? = nil, id: String, title: String? = nil, version: String? = nil,
                commands: Commands = Commands(), staticServiceFiles: [String] = [], jobCode: String? = nil,
                dependsOn: [String] = [], healthCheck: HealthCheck? = nil, launcher: LauncherPolicy = LauncherPolicy()) {
        self.path = path
        self.name = name
        self.id = id
        self.title = title
        self.version = version
        self.commands = commands
        self.staticServiceFiles = staticServiceFiles
        self.jobCode = jobCode
        self.dependsOn = dependsOn
        self.healthCheck = healthCheck
        self.launcher = launcher
    }

    public static func == (lhs: ComponentManifest, rhs: ComponentManifest) -> Bool {
        lhs.path == rhs.path && lhs.name == rhs.name && lhs.id == rhs.id && lhs.title == rhs.title
            && lhs.version == rhs.version && lhs.commands == rhs.commands
            && lhs.staticServiceFiles == rhs.staticServiceFiles && lhs.jobCode == rhs.jobCode
            && lhs.dependsOn == rhs.dependsOn && lhs.healthCheck == rhs.healthCheck && lhs.launcher == rhs.launcher
            && lhs.schemasConfigs == rhs.schemasConfigs
    }

    /// The file names looked for, in order of preference.
    public static let fileNames = ["manifest.yaml", "manifest.yml", "manifest.json"]

    /// Reads `manifest.yaml`, else `manifest.yml`, else `manifest.json` in the folder (JSON
    /// is read by the YAML parser, of which it is a subset).
    public static func load(componentDirectory: String) throws(Diagnostics) -> ComponentManifest {
        let folder = componentDirectory.hasSuffix("/") && componentDirectory.count > 1
            ? String(componentDirectory.dropLast()) : componentDirectory
        let files = FileManager.default
        for name in fileNames {
            let path = folder + "/" + name
            guard files.fileExists(atPath: path) else { continue }
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw Diagnostics([Diagnostic(MessageCatalog.manifestUnreadable,
                                              ["path": path, "reason": "it could not be opened as a file"], location: path)])
            }
            guard let text = String(validating: data, as: UTF8.self) else {
                throw Diagnostics([Diagnostic(MessageCatalog.manifestUnreadable,
                                              ["path": path, "reason": "it is not UTF-8 text"], location: path)])
            }
            return try parse(text, path: path)
        }
        throw Diagnostics([Diagnostic(MessageCatalog.manifestMissing, ["dir": componentDirectory], location: componentDirectory)])
    }

    public static func parse(_ text: String, path: String) throws(Diagnostics) -> ComponentManifest {
        let document: YAMLDocument.Parsed
        do {
            document = try YAMLDocument.parseDetailed(text, path: path)
        } catch {
            throw Diagnostics([error])
        }
        var reader = ManifestReader(path: path, document: document)
        let manifest = reader.read()
        guard reader.problems.isEmpty, let manifest else { throw Diagnostics(reader.problems) }
        return manifest
    }

    /// `path:line` of a key, top-level ("commands") or dotted below one of the sections
    /// read ("launcher.minUptime"); just the path when the key is not in the file.
    public func location(ofKey key: String) -> String? {
        guard let line = keyLines[key] else { return path }
        return "\(path):\(line)"
    }

    fileprivate mutating func setKeyLines(_ lines: [String: Int]) {
        keyLines = lines
    }
}

/// One pass over the tree of a manifest, collecting problems instead of stopping at the first.
private struct ManifestReader {
    let path: String
    let document: YAMLDocument.Parsed
    var problems: [Diagnostic] = []
    var keyLines: [String: Int] = [:]

    init(path: String, document: YAMLDocument.Parsed) {
        self.path = path
        self.document = document
    }

    mutating func read() -> ComponentManifest? {
        var root = document.root
        // A document that is only "---" holds a null; it says as little as an empty file.
        if isNull(root) { root = .mapping([], line: root.line, column: root.column) }
        guard case .mapping(let pairs, _, _) = root else {
            problems.append(Diagnostic(MessageCatalog.manifestNotMapping, ["actual": describe(root)], location: location(root)))
            return nil
        }
        let fields = Fields(pairs)
        recordKeyLines(of: root, prefix: "")

        let name = optionalText(fields["name"], key: "name")
        let title = optionalText(fields["title"], key: "title")
        let version = optionalText(fields["version"], key: "version")
        let id = requiredComponentID(fields["id"], key: "id", in: root)
        let jobCode = readJobCode(fields["jobCode"])
        let dependsOn = readDependsOn(fields["dependsOn"])
        let commands = readCommands(fields["commands"])
        let staticFiles = readStaticServiceFiles(fields["apimlServices"])
        let healthCheck = readHealthCheck(fields["healthCheck"])
        let launcher = readLauncher(fields["launcher"])
        let schemasConfigs = readSchemas(fields["schemas"])
        let configs = readConfigs(fields["configs"])

        if let id, dependsOn.contains(id), let node = fields["dependsOn"] {
            problems.append(Diagnostic(MessageCatalog.manifestSelfDependency, ["id": id], location: location(node)))
        }
        guard let id else { return nil }
        var manifest = ComponentManifest(
            path: path, name: name, id: id, title: title, version: version, commands: commands,
            staticServiceFiles: staticFiles, jobCode: jobCode, dependsOn: dependsOn,
            healthCheck: healthCheck, launcher: launcher)
        manifest.schemasConfigs = schemasConfigs
        manifest.configs = configs
        manifest.setKeyLines(keyLines)
        return manifest
    }

    // MARK: sections

    private mutating func readCommands(_ node: YAMLNode?) -> ComponentManifest.Commands {
        guard let node, let fields = mapping(node, key: "commands") else { return .init() }
        recordKeyLines(of: node, prefix: "commands.")
        return .init(start: optionalText(fields["start"], key: "commands.start"),
                     validate: optionalText(fields["validate"], key: "commands.validate"),
                     configure: optionalText(fields["configure"], key: "commands.configure"))
    }

    private mutating func readStaticServiceFiles(_ node: YAMLNode?) -> [String] {
        guard let node, let fields = mapping(node, key: "apimlServices"),
              let list = fields["static"], let entries = sequence(list, key: "apimlServices.static") else { return [] }
        var files: [String] = []
        for (index, entry) in entries.enumerated() {
            let key = "apimlServices.static[\(index)]"
            guard let entryFields = mapping(entry, key: key) else { continue }
            if let file = requiredText(entryFields["file"], key: key + ".file", in: entry) {
                files.append(file)
            }
        }
        return files
    }

    private mutating func readSchemas(_ node: YAMLNode?) -> [String] {
        guard let node, let fields = mapping(node, key: "schemas"), let files = fields["configs"], !isNull(files) else { return [] }
        if case .sequence(let items, _, _) = files {
            return items.enumerated().compactMap { optionalText($1, key: "schemas.configs[\($0)]") }
        }
        return optionalText(files, key: "schemas.configs").map { [$0] } ?? []
    }

    /// The defaults as a located tree with the types of the YAML core schema, as zowe.yaml is read.
    private mutating func readConfigs(_ node: YAMLNode?) -> ConfigNode? {
        guard let node, mapping(node, key: "configs") != nil else { return nil }
        return ConfigNode.from(document, file: path)["configs"]
    }

    private mutating func readHealthCheck(_ node: YAMLNode?) -> ComponentManifest.HealthCheck? {
        guard let node, let fields = mapping(node, key: "healthCheck") else { return nil }
        recordKeyLines(of: node, prefix: "healthCheck.")
        let variableNode = fields["portVariable"], pathNode = fields["path"]
        let variable = requiredText(variableNode, key: "healthCheck.portVariable", in: node)
        let path = requiredText(pathNode, key: "healthCheck.path", in: node)
        var valid = true
        if let variable, let variableNode, !Self.isVariableName(variable) {
            problems.append(Diagnostic(MessageCatalog.manifestInvalidVariable, ["key": "healthCheck.portVariable", "value": variable],
                                       location: location(variableNode)))
            valid = false
        }
        if let path, let pathNode, !path.hasPrefix("/") {
            problems.append(Diagnostic(MessageCatalog.manifestInvalidHealthPath, ["key": "healthCheck.path", "value": path],
                                       location: location(pathNode)))
            valid = false
        }
        guard valid, let variable, let path else { return nil }
        return .init(portVariable: variable, path: path)
    }

    private mutating func readLauncher(_ node: YAMLNode?) -> ComponentManifest.LauncherPolicy {
        guard let node, let fields = mapping(node, key: "launcher") else { return .init() }
        recordKeyLines(of: node, prefix: "launcher.")
        var intervals: [Int]?
        if let list = fields["restartIntervals"], !isNull(list),
           let items = sequence(list, key: "launcher.restartIntervals") {
            if items.isEmpty {
                problems.append(Diagnostic(MessageCatalog.manifestEmptyList, ["key": "launcher.restartIntervals"],
                                           location: location(list)))
            } else {
                let values = items.enumerated().map { seconds($1, key: "launcher.restartIntervals[\($0)]") }
                if values.allSatisfy({ $0 != nil }) { intervals = values.compactMap { $0 } }
            }
        }
        return .init(restartIntervals: intervals,
                     minUptime: optionalSeconds(fields["minUptime"], key: "launcher.minUptime"),
                     shutdownTimeout: optionalSeconds(fields["shutdownTimeout"], key: "launcher.shutdownTimeout"),
                     readyTimeout: optionalSeconds(fields["readyTimeout"], key: "launcher.readyTimeout"))
    }

    private mutating func readJobCode(_ node: YAMLNode?) -> String? {
        // Any scalar will do: a code such as 01 is a number to YAML but a fine job code.
        guard let node, let code = optionalText(node, key: "jobCode") else { return nil }
        let valid = code.utf8.count == 2 && code.utf8.allSatisfy {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
        guard valid else {
            problems.append(Diagnostic(MessageCatalog.manifestInvalidJobCode, ["value": code], location: location(node)))
            return nil
        }
        return code
    }

    private mutating func readDependsOn(_ node: YAMLNode?) -> [String] {
        guard let node, !isNull(node) else { return [] }
        switch node {
        case .scalar:
            return componentID(node, key: "dependsOn").map { [$0] } ?? []
        case .sequence(let items, _, _):
            return items.enumerated().compactMap { componentID($1, key: "dependsOn[\($0)]") }
        case .mapping:
            wrongType(node, key: "dependsOn", expected: "a component id or a list of them")
            return []
        }
    }

    // MARK: values

    private mutating func requiredComponentID(_ node: YAMLNode?, key: String, in parent: YAMLNode) -> String? {
        guard let node, !isNull(node) else {
            problems.append(Diagnostic(MessageCatalog.manifestKeyMissing, ["key": key], location: location(node ?? parent)))
            return nil
        }
        return componentID(node, key: key)
    }

    // Ids are matched against other components' ids, so a value that YAML reads as a number
    // or a boolean (`dependsOn: 3`) is taken for the mistake it almost always is.
    private mutating func componentID(_ node: YAMLNode, key: String) -> String? {
        guard case .scalar(let text, _, _) = node, scalarType(node) == nil else {
            wrongType(node, key: key, expected: "a component id")
            return nil
        }
        guard Self.isComponentID(text) else {
            problems.append(Diagnostic(MessageCatalog.manifestInvalidComponentID, ["key": key, "value": text], location: location(node)))
            return nil
        }
        return text
    }

    private mutating func requiredText(_ node: YAMLNode?, key: String, in parent: YAMLNode) -> String? {
        guard let node, !isNull(node) else {
            problems.append(Diagnostic(MessageCatalog.manifestKeyMissing, ["key": key], location: location(node ?? parent)))
            return nil
        }
        return optionalText(node, key: key)
    }

    /// Any scalar, as written (a title or version of 1.0 is meant as text); nil when absent or null.
    private mutating func optionalText(_ node: YAMLNode?, key: String) -> String? {
        guard let node, !isNull(node) else { return nil }
        guard case .scalar(let text, _, _) = node else {
            wrongType(node, key: key, expected: "text")
            return nil
        }
        return text
    }

    private mutating func optionalSeconds(_ node: YAMLNode?, key: String) -> Int? {
        guard let node, !isNull(node) else { return nil }
        return seconds(node, key: key)
    }

    private mutating func seconds(_ node: YAMLNode, key: String) -> Int? {
        guard case .scalar(let text, _, _) = node else {
            wrongType(node, key: key, expected: "a whole number of seconds")
            return nil
        }
        // Digits only: no sign, fraction, exponent or radix prefix.
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let value = Int(text) else {
            problems.append(Diagnostic(MessageCatalog.manifestInvalidSeconds, ["key": key, "value": text], location: location(node)))
            return nil
        }
        return value
    }

    /// The pairs of a mapping; nil (with a problem unless the value is null) otherwise.
    private mutating func mapping(_ node: YAMLNode, key: String) -> Fields? {
        if isNull(node) { return nil }
        guard case .mapping(let pairs, _, _) = node else {
            wrongType(node, key: key, expected: "a mapping")
            return nil
        }
        return Fields(pairs)
    }

    private mutating func sequence(_ node: YAMLNode, key: String) -> [YAMLNode]? {
        if isNull(node) { return nil }
        guard case .sequence(let items, _, _) = node else {
            wrongType(node, key: key, expected: "a list")
            return nil
        }
        return items
    }

    private mutating func wrongType(_ node: YAMLNode, key: String, expected: String) {
        problems.append(Diagnostic(MessageCatalog.manifestWrongType, ["key": key, "expected": expected, "actual": describe(node)],
                                   location: location(node)))
    }

    // MARK: helpers

    private func scalarType(_ node: YAMLNode) -> YAMLDocument.ScalarType? {
        document.scalarTypes[.init(line: node.line, column: node.column)]
    }

    private func isNull(_ node: YAMLNode) -> Bool {
        guard case .scalar(let text, _, _) = node else { return false }
        return text.isEmpty || scalarType(node) == .null
    }

    private func describe(_ node: YAMLNode) -> String {
        switch node {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar(let text, _, _):
            switch scalarType(node) {
            case .integer?, .float?: return "the number \(text)"
            case .boolean?: return "the boolean \(text)"
            case .null?: return "null"
            case nil: return text.isEmpty ? "empty" : "the text '\(text)'"
            }
        }
    }

    private func location(_ node: YAMLNode) -> String {
        "\(path):\(node.line):\(node.column)"
    }

    private mutating func recordKeyLines(of mapping: YAMLNode, prefix: String) {
        guard let keys = document.keyPositions[.init(line: mapping.line, column: mapping.column)] else { return }
        for (key, position) in keys {
            keyLines[prefix + key] = position.line
        }
    }

    private static func isComponentID(_ text: String) -> Bool {
        func isLowerOrDigit(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard let first = text.utf8.first, isLowerOrDigit(first) else { return false }
        return text.utf8.dropFirst().allSatisfy { isLowerOrDigit($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isVariableName(_ text: String) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || byte == UInt8(ascii: "_")
        }
        guard let first = text.utf8.first, isLetter(first) else { return false }
        return text.utf8.allSatisfy { isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}

/// Lookup by key in the pairs of a mapping (keys are unique there).
private struct Fields {
    let pairs: [(key: String, value: YAMLNode)]

    init(_ pairs: [(key: String, value: YAMLNode)]) {
        self.pairs = pairs
    }

    subscript(key: String) -> YAMLNode? {
        pairs.first { $0.key == key }?.value
    }
}
