import Foundation

/// One instance as discovery lists it in `GET /eureka/apps` (and `/eureka/apps/delta`).
public struct RegisteredInstance: Sendable, Equatable {
    /// Upper case, as Eureka names applications.
    public var app: String
    public var instanceID: String
    public var status: String
    public var hostName: String
    public var ipAddress: String
    public var port: Int
    public var securePort: Int
    public var portEnabled: Bool
    public var securePortEnabled: Bool
    public var homePageURL: String
    public var metadata: [String: String]
    /// ADDED, MODIFIED or DELETED in a delta; nil in a full listing.
    public var actionType: String?

    public init(
        app: String, instanceID: String, status: String, hostName: String = "", ipAddress: String = "",
        port: Int = 0, securePort: Int = 0, portEnabled: Bool = false, securePortEnabled: Bool = true,
        homePageURL: String = "", metadata: [String: String] = [:], actionType: String? = nil
    ) {
        self.app = app
        self.instanceID = instanceID
        self.status = status
        self.hostName = hostName
        self.ipAddress = ipAddress
        self.port = port
        self.securePort = securePort
        self.portEnabled = portEnabled
        self.securePortEnabled = securePortEnabled
        self.homePageURL = homePageURL
        self.metadata = metadata
        self.actionType = actionType
    }

    /// Lower case, as Zowe writes service ids.
    public var serviceID: String { app.lowercased() }

    /// `apiml.routes.<k>.gatewayUrl` / `serviceUrl` pairs, ordered by key. Slashes around the
    /// gateway URL are dropped (`/api/v1/` is `api/v1`); a missing service URL is `/`.
    public var routes: [EurekaRegistration.Route] {
        var keys = Set<String>()
        for key in metadata.keys where key.hasPrefix("apiml.routes.") {
            let rest = key.dropFirst("apiml.routes.".count)
            if let dot = rest.lastIndex(of: ".") { keys.insert(String(rest[..<dot])) }
        }
        return keys.sorted().compactMap { key in
            guard let gateway = metadata["apiml.routes.\(key).gatewayUrl"] else { return nil }
            let trimmed = gateway.trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
            let service = metadata["apiml.routes.\(key).serviceUrl"] ?? "/"
            return EurekaRegistration.Route(gatewayURL: trimmed, serviceURL: service.isEmpty ? "/" : service)
        }
    }
}

/// The body of `GET /eureka/apps` or `/eureka/apps/delta` in JSON.
public struct EurekaApplications: Sendable, Equatable {
    public var instances: [RegisteredInstance]
    /// `apps__hashcode`: status counts, e.g. `DOWN_1_UP_3_`; a client that applied a delta
    /// compares it with its own to know whether it missed one.
    public var appsHashcode: String
    public var versionsDelta: Int64

    public struct Malformed: Error, Sendable {
        public let reason: String
    }

    /// Reads Eureka's JSON: `{"applications":{"application":[{"name","instance":[...]}]}}`.
    /// Jackson writes a one-element list as the element itself in older Eureka servers, so
    /// either form is taken for `application` and `instance`.
    public static func parse(_ bytes: [UInt8]) throws(Malformed) -> EurekaApplications {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw Malformed(reason: "the answer is not JSON")
        }
        guard let applications = (root as? [String: Any])?["applications"] as? [String: Any] else {
            throw Malformed(reason: "the answer has no 'applications' object")
        }
        var instances: [RegisteredInstance] = []
        for application in list(applications["application"]) {
            guard let application = application as? [String: Any] else { continue }
            let appName = string(application["name"]) ?? ""
            for item in list(application["instance"]) {
                guard let instance = item as? [String: Any] else { continue }
                let app = (string(instance["app"]) ?? appName).uppercased()
                guard !app.isEmpty else { continue }
                var metadata: [String: String] = [:]
                for (key, value) in instance["metadata"] as? [String: Any] ?? [:] {
                    if let text = string(value) { metadata[key] = text }
                }
                let hostName = string(instance["hostName"]) ?? ""
                let (port, portEnabled) = Self.port(instance["port"], enabledByDefault: true)
                let (securePort, secureEnabled) = Self.port(instance["securePort"], enabledByDefault: false)
                instances.append(RegisteredInstance(
                    app: app, instanceID: string(instance["instanceId"]) ?? hostName,
                    status: string(instance["status"]) ?? "UNKNOWN", hostName: hostName,
                    ipAddress: string(instance["ipAddr"]) ?? "", port: port, securePort: securePort,
                    portEnabled: portEnabled, securePortEnabled: secureEnabled,
                    homePageURL: string(instance["homePageUrl"]) ?? "", metadata: metadata,
                    actionType: string(instance["actionType"])))
            }
        }
        return EurekaApplications(
            instances: instances, appsHashcode: string(applications["apps__hashcode"]) ?? "",
            versionsDelta: Int64(string(applications["versions__delta"]) ?? "") ?? -1)
    }

    /// `apps__hashcode` of a set of instances: each status with its count, in status order.
    public static func hashcode(_ instances: some Sequence<RegisteredInstance>) -> String {
        var counts: [String: Int] = [:]
        for instance in instances { counts[instance.status, default: 0] += 1 }
        return counts.keys.sorted().map { "\($0)_\(counts[$0]!)_" }.joined()
    }

    /// `{"$": 7554, "@enabled": "true"}`, or a bare number from clients that write one.
    private static func port(_ value: Any?, enabledByDefault: Bool) -> (Int, Bool) {
        if let object = value as? [String: Any] {
            let number = Int(string(object["$"]) ?? "") ?? 0
            let enabled = string(object["@enabled"]).map { $0.lowercased() == "true" } ?? enabledByDefault
            return (number, enabled)
        }
        return (Int(string(value) ?? "") ?? 0, enabledByDefault)
    }

    private static func list(_ value: Any?) -> [Any] {
        if let array = value as? [Any] { return array }
        if let value, !(value is NSNull) { return [value] }
        return []
    }

    private static func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }
}
