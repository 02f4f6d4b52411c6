import Foundation
import ZweMessages

/// `ha-instances.yaml` beside instance.env: the per-host overrides of an instance that runs on
/// several hosts, as Zowe's `haInstances` gives them. Each HA instance names its host (host
/// name, IP address, bind address), which components run there and on which ports, and any
/// other instance.env values that differ on that host. The file is read with the same YAML
/// reader as manifests; every problem names the file, line and column.
///
/// ```yaml
/// haInstances:
///   sysa:
///     hostname: sysa.example.com     # ZOWE_EXPLORER_HOST
///     ipAddress: 10.1.1.1            # ZOWE_IP_ADDRESS
///     bindAddress: 10.1.1.1          # ZWE_BIND_ADDRESS
///     components:
///       gateway: { enabled: true, port: 7554 }
///       api-catalog: { enabled: false }
///     env:
///       ZWE_LOG_LEVEL_ZWELS: DEBUG
/// ```
public struct HAInstances: Sendable, Equatable {
    public static let fileName = "ha-instances.yaml"

    public struct ComponentOverride: Sendable, Equatable {
        /// The component's id.
        public var id: String
        /// nil: as instance.env says.
        public var enabled: Bool?
        public var port: Int?
        /// The line of `port:`.
        public var portLine: Int?
        /// `file:line:col` of the component's entry (of its port, when it has one).
        public var location: String
    }

    /// One value the HA instance sets, with where it was written.
    public struct Value: Sendable, Equatable {
        public var key: String
        public var value: String
        public var line: Int
    }

    public struct Instance: Sendable, Equatable {
        public var id: String
        public var hostname: String?
        public var ipAddress: String?
        public var bindAddress: String?
        /// In file order.
        public var components: [ComponentOverride]
        /// `env:` entries, in file order.
        public var environment: [Value]
        /// Where the hostname, ipAddress and bindAddress were written.
        public var lines: [String: Int]
        public var line: Int

        public func component(_ id: String) -> ComponentOverride? {
            components.first { $0.id == id }
        }

        /// The instance.env values the host's names and addresses stand for, with their lines:
        /// hostname is ZOWE_EXPLORER_HOST, ipAddress ZOWE_IP_ADDRESS, bindAddress ZWE_BIND_ADDRESS.
        public var addressValues: [Value] {
            [("hostname", hostname, "ZOWE_EXPLORER_HOST"), ("ipAddress", ipAddress, "ZOWE_IP_ADDRESS"),
             ("bindAddress", bindAddress, "ZWE_BIND_ADDRESS")].compactMap { field, value, key in
                value.map { Value(key: key, value: $0, line: lines[field] ?? line) }
            }
        }
    }

    public var path: String
    /// In file order.
    public var instances: [Instance]

    public func instance(_ id: String) -> Instance? {
        instances.first { $0.id == id }
    }

    /// The file of `instanceDirectory`, nil when there is none.
    public static func load(instanceDirectory: String) throws(Diagnostic) -> HAInstances? {
        let path = instanceDirectory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic(MessageCatalog.haFileInvalid, ["reason": "it cannot be read"], location: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Diagnostic(MessageCatalog.envNotUTF8, ["path": path], location: path)
        }
        return try parse(text, path: path)
    }

    /// Whether the instance directory has a file of HA instances.
    public static func exists(instanceDirectory: String) -> Bool {
        FileManager.default.fileExists(atPath: instanceDirectory + "/" + fileName)
    }

    public static func parse(_ text: String, path: String) throws(Diagnostic) -> HAInstances {
        let root = try YAMLDocument.parse(text, path: path)
        func fail(_ reason: String, _ node: YAMLNode) -> Diagnostic {
            Diagnostic(MessageCatalog.haFileInvalid, ["reason": reason], location: "\(path):\(node.line):\(node.column)")
        }
        func pairs(_ node: YAMLNode, _ what: String) throws(Diagnostic) -> [(key: String, value: YAMLNode)] {
            guard case .mapping(let pairs, _, _) = node else { throw fail("\(what) must be a mapping", node) }
            return pairs
        }
        func scalar(_ node: YAMLNode, _ what: String) throws(Diagnostic) -> String {
            guard let text = node.text else { throw fail("\(what) must be a single value", node) }
            return text
        }
        guard case .mapping(let top, _, _) = root, !top.isEmpty else {
            throw fail("the file must start with 'haInstances:'", root)
        }
        var instances: [Instance] = []
        for (key, value) in top {
            guard key == "haInstances" else { throw fail("unknown key '\(key)'; the file holds only 'haInstances'", value) }
            for (id, body) in try pairs(value, "haInstances") {
                guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    throw fail("HA instance id '\(id)' may hold only letters, digits and '_'", body)
                }
                var instance = Instance(id: id, components: [], environment: [], lines: [:], line: body.line)
                for (field, node) in try pairs(body, "haInstances.\(id)") {
                    switch field {
                    case "hostname", "ipAddress", "bindAddress":
                        let text = try scalar(node, "haInstances.\(id).\(field)").trimmingCharacters(in: .whitespaces)
                        guard !text.isEmpty, !text.contains(where: { $0 == " " || $0 == "/" || $0 == "," }) else {
                            throw fail("haInstances.\(id).\(field) must be a host name or address", node)
                        }
                        if field != "hostname", !LaunchPlanner.isAddress(text) {
                            throw fail("haInstances.\(id).\(field) '\(text)' is not an IPv4 or IPv6 address", node)
                        }
                        instance.lines[field] = node.line
                        switch field {
                        case "hostname": instance.hostname = text
                        case "ipAddress": instance.ipAddress = text
                        default: instance.bindAddress = text
                        }
                    case "components":
                        for (component, settings) in try pairs(node, "haInstances.\(id).components") {
                            var override = ComponentOverride(id: component, location: "\(path):\(settings.line):\(settings.column)")
                            for (name, setting) in try pairs(settings, "haInstances.\(id).components.\(component)") {
                                let text = try scalar(setting, "haInstances.\(id).components.\(component).\(name)")
                                switch name {
                                case "enabled":
                                    switch text {
                                    case "true", "True", "TRUE": override.enabled = true
                                    case "false", "False", "FALSE": override.enabled = false
                                    default: throw fail("haInstances.\(id).components.\(component).enabled must be true or false", setting)
                                    }
                                case "port":
                                    guard let port = Int(text), (1...65_535).contains(port) else {
                                        throw fail("haInstances.\(id).components.\(component).port must be a port number (1-65535)", setting)
                                    }
                                    override.port = port
                                    override.portLine = setting.line
                                    override.location = "\(path):\(setting.line):\(setting.column)"
                                default:
                                    throw fail("unknown key '\(name)' for a component; use 'enabled' and 'port'", setting)
                                }
                            }
                            instance.components.append(override)
                        }
                    case "env":
                        for (name, node) in try pairs(node, "haInstances.\(id).env") {
                            guard let first = name.first, first == "_" || first.isLetter,
                                  name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                                throw fail("'\(name)' is not a variable name", node)
                            }
                            instance.environment.append(Value(key: name, value: try scalar(node, "haInstances.\(id).env.\(name)"), line: node.line))
                        }
                    default:
                        throw fail("unknown key '\(field)' of an HA instance; use hostname, ipAddress, bindAddress, components and env", node)
                    }
                }
                instances.append(instance)
            }
        }
        guard !instances.isEmpty else { throw fail("haInstances defines no HA instance", root) }
        return HAInstances(path: path, instances: instances)
    }
}
