// Static definitions: services that do not register themselves (z/OSMF above all), described
// in YAML files in STATIC_DEF_CONFIG_DIR and registered by the registry itself at start-up,
// one instance per base URL, without a lease. A file or service that cannot be used is
// reported and skipped; it never stops the registry.

import Foundation
import ZweConfiguration
import ZweMessages

public enum StaticDefinitions {
    public struct Outcome: Sendable {
        public var instances: [InstanceInfo] = []
        /// Definition files read, usable or not.
        public var files = 0
        public var problems: [Diagnostic] = []
    }

    /// Reads every `.yml` and `.yaml` file directly in `directory`, in name order.
    public static func load(directory: String, lease: LeaseSettings, now: Int64 = currentMilliseconds()) -> Outcome {
        var outcome = Outcome()
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? (FileManager.default.fileExists(atPath: directory)
                ? "it cannot be read" : "it does not exist")
            outcome.problems.append(Diagnostic(MessageCatalog.discoveryStaticFolderUnreadable, ["dir": directory, "reason": reason]))
            return outcome
        }
        for name in names.sorted() where name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
            let path = (directory as NSString).appendingPathComponent(name)
            outcome.files += 1
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                outcome.problems.append(Diagnostic(MessageCatalog.discoveryStaticFileInvalid,
                                                   ["path": path, "reason": "it cannot be read as UTF-8 text"]))
                continue
            }
            let (instances, problems) = parse(text, path: path, lease: lease, now: now)
            outcome.instances += instances
            outcome.problems += problems
        }
        return outcome
    }

    /// The instances of one definition file, and what was wrong with it.
    public static func parse(_ text: String, path: String, lease: LeaseSettings,
                             now: Int64 = currentMilliseconds()) -> ([InstanceInfo], [Diagnostic]) {
        let root: YAMLNode
        do {
            root = try YAMLDocument.parse(text, path: path)
        } catch {
            return ([], [Diagnostic(MessageCatalog.discoveryStaticFileInvalid, ["path": path, "reason": error.description])])
        }
        guard let servicesNode = root["services"] else {
            return ([], [Diagnostic(MessageCatalog.discoveryStaticFileInvalid, ["path": path, "reason": "it has no 'services' list"])])
        }
        guard case .sequence(let services, _, _) = servicesNode else {
            return ([], [Diagnostic(MessageCatalog.discoveryStaticFileInvalid,
                                    ["path": path, "reason": "'services' at line \(servicesNode.line) is not a list"])])
        }
        let tiles = root["catalogUiTiles"]
        var instances: [InstanceInfo] = []
        var problems: [Diagnostic] = []
        for (index, service) in services.enumerated() {
            do throws(ServiceProblem) {
                instances += try self.instances(of: service, tiles: tiles, lease: lease, now: now)
            } catch {
                problems.append(Diagnostic(MessageCatalog.discoveryStaticServiceInvalid, [
                    "index": "\(index + 1) (line \(service.line))", "path": path, "reason": error.reason,
                ]))
            }
        }
        return (instances, problems)
    }

    struct ServiceProblem: Error {
        let reason: String
    }

    private static func instances(of service: YAMLNode, tiles: YAMLNode?, lease: LeaseSettings,
                                  now: Int64) throws(ServiceProblem) -> [InstanceInfo] {
        guard case .mapping = service else { throw ServiceProblem(reason: "it is not a mapping") }
        guard let serviceId = nonBlank(service["serviceId"]) else { throw ServiceProblem(reason: "it has no serviceId") }
        let baseURLs: [String]
        switch service["instanceBaseUrls"] {
        case .sequence(let items, _, _)?: baseURLs = items.compactMap { nonBlank($0) }
        case .scalar(let text, _, _)?: baseURLs = [text]
        default: baseURLs = []
        }
        guard !baseURLs.isEmpty else { throw ServiceProblem(reason: "'\(serviceId)' has no instanceBaseUrls") }

        var metadata: [String: String] = [:]
        if let title = nonBlank(service["title"]) { metadata["apiml.service.title"] = title }
        if let description = nonBlank(service["description"]) { metadata["apiml.service.description"] = description }
        if case .sequence(let routes, _, _)? = service["routes"] {
            for (number, route) in routes.enumerated() {
                if let gatewayUrl = nonBlank(route["gatewayUrl"]) {
                    metadata["apiml.routes.\(number).gatewayUrl"] = gatewayUrl.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                }
                if let serviceUrl = nonBlank(route["serviceRelativeUrl"]) {
                    metadata["apiml.routes.\(number).serviceUrl"] = serviceUrl
                }
            }
        }
        if let authentication = service["authentication"] {
            flatten(authentication, prefix: "apiml.authentication", into: &metadata)
        }
        if case .sequence(let apis, _, _)? = service["apiInfo"] {
            for (number, api) in apis.enumerated() { flatten(api, prefix: "apiml.apiInfo.\(number)", into: &metadata) }
        }
        if let tileID = nonBlank(service["catalogUiTileId"]) {
            metadata["apiml.catalog.tile.id"] = tileID
            if let tile = tiles?[tileID] {
                if let title = nonBlank(tile["title"]) { metadata["apiml.catalog.tile.title"] = title }
                if let description = nonBlank(tile["description"]) { metadata["apiml.catalog.tile.description"] = description }
                if let version = nonBlank(tile["version"]) { metadata["apiml.catalog.tile.version"] = version }
            }
        }
        if let custom = service["customMetadata"] {
            flatten(custom, prefix: nil, into: &metadata)
        }

        var instances: [InstanceInfo] = []
        for text in baseURLs {
            guard let url = BaseURL(text) else {
                throw ServiceProblem(reason: "'\(text)' of '\(serviceId)' is not an http or https URL with a host")
            }
            var info = InstanceInfo(
                instanceId: "STATIC-\(url.host):\(serviceId):\(url.port)", app: serviceId.uppercased(),
                hostName: url.host, ipAddr: url.host,
                renewalIntervalInSecs: lease.renewalIntervalSeconds, durationInSecs: lease.durationSeconds)
            info.status = .up
            info.isStatic = true
            info.port = url.port
            info.securePort = url.port
            info.portEnabled = !url.secure
            info.securePortEnabled = url.secure
            info.vipAddress = serviceId
            info.secureVipAddress = serviceId
            info.metadata = metadata
            info.homePageUrl = url.joined(nonBlank(service["homePageRelativeUrl"]))
            if let status = nonBlank(service["statusPageRelativeUrl"]) { info.statusPageUrl = url.joined(status) }
            if let health = nonBlank(service["healthCheckRelativeUrl"]) {
                info.healthCheckUrl = url.joined(health)
                if url.secure { info.secureHealthCheckUrl = url.joined(health) }
            }
            info.lastDirtyTimestamp = now
            instances.append(info)
        }
        return instances
    }

    private static func nonBlank(_ node: YAMLNode?) -> String? {
        guard let text = node?.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }

    /// Nested mappings and lists as dotted keys (`a: {b: 1}` is `a.b`, list items are numbered).
    private static func flatten(_ node: YAMLNode, prefix: String?, into metadata: inout [String: String]) {
        func key(_ name: String) -> String { prefix.map { "\($0).\(name)" } ?? name }
        switch node {
        case .scalar(let text, _, _):
            if let prefix { metadata[prefix] = text }
        case .mapping(let pairs, _, _):
            for (name, value) in pairs { flatten(value, prefix: key(name), into: &metadata) }
        case .sequence(let items, _, _):
            for (number, item) in items.enumerated() { flatten(item, prefix: key("\(number)"), into: &metadata) }
        }
    }
}

/// `scheme://host[:port][/path]`, the part of a base URL an instance is made of.
struct BaseURL: Equatable {
    let secure: Bool
    /// Without the brackets of an IPv6 address.
    let host: String
    let port: Int
    /// The URL as written, with a trailing slash.
    let base: String

    init?(_ text: String) {
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            secure = true
            rest = text.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            secure = false
            rest = text.dropFirst(7)
        } else {
            return nil
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { return nil }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { return nil }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return nil }
        if let portText {
            guard let number = Int(portText), (1...65_535).contains(number) else { return nil }
            port = number
        } else {
            port = secure ? 443 : 80
        }
        self.host = String(host)
        base = text.hasSuffix("/") ? text : text + "/"
    }

    /// The base URL with a relative path added, or the base URL itself.
    func joined(_ relative: String?) -> String {
        guard let relative, !relative.isEmpty else { return base }
        return base + (relative.hasPrefix("/") ? String(relative.dropFirst()) : relative)
    }
}
