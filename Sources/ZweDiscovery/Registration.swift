// A registration request (`POST /eureka/apps/{APP}`) read into an instance, with Eureka's
// own 400 texts for what it refuses.

/// Lease times: what an instance gets when it does not say, and how often leases are checked.
public struct LeaseSettings: Sendable, Equatable {
    /// How often clients are told to renew (Eureka: 30 s).
    public var renewalIntervalSeconds: Int
    /// How long a lease lasts without a renewal (Eureka: 90 s).
    public var durationSeconds: Int
    /// How often expired leases are evicted (Eureka: 60 s).
    public var evictionIntervalSeconds: Int
    /// How long changes stay in `/eureka/apps/delta` (Eureka: 3 minutes).
    public var deltaRetentionSeconds: Int

    public init(renewalIntervalSeconds: Int = 30, durationSeconds: Int = 90, evictionIntervalSeconds: Int = 60,
                deltaRetentionSeconds: Int = 180) {
        self.renewalIntervalSeconds = renewalIntervalSeconds
        self.durationSeconds = durationSeconds
        self.evictionIntervalSeconds = evictionIntervalSeconds
        self.deltaRetentionSeconds = deltaRetentionSeconds
    }
}

/// Why a registration was refused: the text is the whole 400 body, as Eureka words it.
public struct RegistrationProblem: Error, Equatable, Sendable {
    public let text: String
}

enum Registration {
    /// Reads a registration body for the application named in the path (upper-cased).
    static func decode(_ body: [UInt8], contentType: String?, pathApp: String, lease: LeaseSettings,
                       now: Int64) throws(RegistrationProblem) -> InstanceInfo {
        let node = try document(body, contentType: contentType)

        // Eureka's checks, in Eureka's order. Without an instanceId the host name is the id,
        // as Eureka's InstanceInfo.getId() has it.
        let hostName = node["hostName"]?.nonBlank
        guard let instanceId = node["instanceId"]?.nonBlank ?? hostName else {
            throw RegistrationProblem(text: "Missing instanceId")
        }
        guard let hostName else { throw RegistrationProblem(text: "Missing hostname") }
        guard let ipAddr = node["ipAddr"]?.nonBlank else { throw RegistrationProblem(text: "Missing ip address") }
        guard let appText = node["app"]?.nonBlank else { throw RegistrationProblem(text: "Missing appName") }
        let app = appText.uppercased()
        guard app == pathApp else {
            throw RegistrationProblem(text: "Mismatched appName, expecting \(pathApp) but was \(app)")
        }

        var info = InstanceInfo(instanceId: instanceId, app: app, hostName: hostName, ipAddr: ipAddr,
                                renewalIntervalInSecs: lease.renewalIntervalSeconds,
                                durationInSecs: lease.durationSeconds)
        if let status = node["status"]?.nonBlank { info.status = InstanceStatus(eurekaText: status) }
        if let (port, enabled) = port(node["port"]) {
            info.port = port
            info.portEnabled = enabled ?? true
        }
        if let (port, enabled) = port(node["securePort"]) {
            info.securePort = port
            info.securePortEnabled = enabled ?? false
        }
        if let country = node["countryId"]?.nonBlank.flatMap({ Int($0) }) { info.countryId = country }
        if let dataCenter = node["dataCenterInfo"] {
            if let name = dataCenter["name"]?.nonBlank { info.dataCenterName = name }
            if let type = dataCenter["@class"]?.nonBlank { info.dataCenterClass = type }
            if let metadata = dataCenter["metadata"] { info.dataCenterMetadata = stringMap(metadata) }
        }
        if let leaseInfo = node["leaseInfo"] {
            // The instance's own lease wins over the registry's defaults.
            if let interval = leaseInfo["renewalIntervalInSecs"]?.nonBlank.flatMap({ Int($0) }), interval > 0 {
                info.renewalIntervalInSecs = interval
            }
            if let duration = leaseInfo["durationInSecs"]?.nonBlank.flatMap({ Int($0) }), duration > 0 {
                info.durationInSecs = duration
            }
        }
        if let metadata = node["metadata"] { info.metadata = stringMap(metadata) }
        info.appGroupName = node["appGroupName"]?.nonBlank?.uppercased()
        info.sid = node["sid"]?.nonBlank.flatMap { $0 == "na" || $0 == "unknown" ? nil : $0 }
        info.homePageUrl = node["homePageUrl"]?.nonBlank
        info.statusPageUrl = node["statusPageUrl"]?.nonBlank
        info.healthCheckUrl = node["healthCheckUrl"]?.nonBlank
        info.secureHealthCheckUrl = node["secureHealthCheckUrl"]?.nonBlank
        info.vipAddress = node["vipAddress"]?.nonBlank
        info.secureVipAddress = node["secureVipAddress"]?.nonBlank
        info.asgName = node["asgName"]?.nonBlank
        info.lastDirtyTimestamp = node["lastDirtyTimestamp"]?.nonBlank.flatMap { Int64($0) } ?? now
        return info
    }

    /// The instance object of a body: `{"instance":{...}}` or `<instance>...</instance>`; a
    /// bare instance object is taken too.
    static func document(_ body: [UInt8], contentType: String?) throws(RegistrationProblem) -> DocumentNode {
        let first = body.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        let isJSON: Bool
        switch first {
        case UInt8(ascii: "{"): isJSON = true
        case UInt8(ascii: "<"): isJSON = false
        case nil: throw RegistrationProblem(text: "Missing instance: the request has no body")
        default: isJSON = contentType?.lowercased().contains("json") ?? false
        }
        do throws(DocumentError) {
            if isJSON {
                let root = try JSONDocument.parse(body)
                guard case .object = root else { throw DocumentError(reason: "the body is not a JSON object") }
                if let instance = root["instance"] {
                    guard case .object = instance else { throw DocumentError(reason: "\"instance\" is not an object") }
                    return instance
                }
                return root
            }
            let (name, root) = try XMLDocument.parse(body)
            if name == "instance" { return root }
            if let instance = root["instance"] { return instance }
            throw DocumentError(reason: "the root element is <\(name)>, not <instance>")
        } catch {
            throw RegistrationProblem(text: "Malformed instance: \(error.reason)")
        }
    }

    /// A port as Eureka writes it (`{"$":8080,"@enabled":"true"}`, `<port enabled="true">8080</port>`)
    /// or as a plain number.
    static func port(_ node: DocumentNode?) -> (Int, Bool?)? {
        guard let node, let number = node.nonBlank.flatMap({ Int($0) }) else { return nil }
        let enabled = node["@enabled"]?.nonBlank.map { $0.lowercased() == "true" }
        return (number, enabled)
    }

    /// A flat map of strings; Eureka's `@class` marker of an empty map is dropped.
    static func stringMap(_ node: DocumentNode) -> [String: String] {
        guard case .object(let members) = node else { return [:] }
        var map: [String: String] = [:]
        for (key, value) in members where key != "@class" && key != "$" {
            if let text = value.text { map[key] = text }
        }
        return map
    }
}
