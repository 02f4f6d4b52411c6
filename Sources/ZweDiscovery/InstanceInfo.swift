import Foundation

/// An instance's status as Eureka names it. Unknown words read as `.unknown`, as Eureka's
/// `InstanceStatus.toEnum` does.
public enum InstanceStatus: String, Sendable, CaseIterable, Comparable {
    case up = "UP"
    case down = "DOWN"
    case starting = "STARTING"
    case outOfService = "OUT_OF_SERVICE"
    case unknown = "UNKNOWN"

    public init(eurekaText text: String) {
        self = InstanceStatus(rawValue: text.trimmingCharacters(in: .whitespaces).uppercased()) ?? .unknown
    }

    /// In name order, the order of the `apps__hashcode` parts.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What happened to an instance last, as the registry and its delta say it.
public enum ActionType: String, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
}

/// One registered instance: what the client sent (Eureka's `InstanceInfo`) plus the lease
/// times and action the registry keeps.
public struct InstanceInfo: Sendable, Equatable {
    public var instanceId: String
    /// Upper case.
    public var app: String
    public var appGroupName: String?
    public var hostName: String
    public var ipAddr: String
    public var sid: String?
    /// The status the instance reports itself.
    public var status: InstanceStatus = .up
    /// Set by `PUT .../status`; `.unknown` when there is none.
    public var overriddenStatus: InstanceStatus = .unknown
    public var port: Int = 7001
    public var portEnabled: Bool = true
    public var securePort: Int = 7002
    public var securePortEnabled: Bool = false
    public var countryId: Int = 1
    public var dataCenterClass: String = "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"
    public var dataCenterName: String = "MyOwn"
    public var dataCenterMetadata: [String: String] = [:]
    public var renewalIntervalInSecs: Int
    public var durationInSecs: Int
    /// Flat; dotted keys are kept as they are.
    public var metadata: [String: String] = [:]
    public var homePageUrl: String?
    public var statusPageUrl: String?
    public var healthCheckUrl: String?
    public var secureHealthCheckUrl: String?
    public var vipAddress: String?
    public var secureVipAddress: String?
    public var asgName: String?
    public var isCoordinatingDiscoveryServer = false
    /// Milliseconds since 1970, from the client (or the time of registration when it sent none).
    public var lastDirtyTimestamp: Int64 = 0

    // Kept by the registry, in milliseconds since 1970.
    public var registrationTimestamp: Int64 = 0
    public var lastRenewalTimestamp: Int64 = 0
    public var evictionTimestamp: Int64 = 0
    public var serviceUpTimestamp: Int64 = 0
    public var lastUpdatedTimestamp: Int64 = 0
    public var actionType: ActionType = .added
    /// From a static definition: never evicted.
    public var isStatic = false

    public init(instanceId: String, app: String, hostName: String, ipAddr: String,
                renewalIntervalInSecs: Int = 30, durationInSecs: Int = 90) {
        self.instanceId = instanceId
        self.app = app
        self.hostName = hostName
        self.ipAddr = ipAddr
        self.renewalIntervalInSecs = renewalIntervalInSecs
        self.durationInSecs = durationInSecs
    }

    /// What clients see as `status`: the override when there is one.
    public var effectiveStatus: InstanceStatus {
        overriddenStatus == .unknown ? status : overriddenStatus
    }
}

/// Wall-clock milliseconds since 1970, Eureka's timestamps.
public func currentMilliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}
