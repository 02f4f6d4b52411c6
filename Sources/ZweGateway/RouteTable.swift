import Synchronization
import ZweComponentRuntime

/// One instance the gateway can send requests to.
struct UpstreamInstance: Sendable, Equatable {
    let instanceID: String
    let status: String
    /// The host name it registered; the TLS host name check (STRICT) is made against it.
    let host: String
    let port: Int
    let secure: Bool

    /// `host:port` as written in a URL and a Host header.
    let authority: String
    var baseURL: String { (secure ? "https://" : "http://") + authority }
    /// Pooled connections are kept per scheme, host and port.
    let poolKey: String

    init(instanceID: String, status: String, host: String, port: Int, secure: Bool) {
        self.instanceID = instanceID
        self.status = status
        self.host = host
        self.port = port
        self.secure = secure
        // Made once per registry change, read on every request.
        authority = (host.contains(where: { $0 == ":" }) ? "[\(host)]" : host) + ":" + String(port)
        poolKey = (secure ? "s:" : "p:") + authority
    }

    init(_ registered: RegisteredInstance) {
        let secure = registered.securePortEnabled || !registered.portEnabled
        let host = registered.hostName.isEmpty ? registered.ipAddress : registered.hostName
        self.init(instanceID: registered.instanceID, status: registered.status, host: host,
                  port: secure ? registered.securePort : registered.port, secure: secure)
    }
}

/// A service as the gateway routes to it: its routes, longest gateway URL first, and its instances.
struct RoutedService: Sendable {
    struct Route: Sendable, Equatable {
        /// `api/v1` as segments.
        let gatewaySegments: [Substring]
        /// The path prefix on the instance, without a trailing slash (`""` for `/`).
        let servicePrefix: String
        var gatewayURL: String { gatewaySegments.joined(separator: "/") }
    }

    let serviceID: String
    let title: String
    let description: String
    let homePageURL: String
    let routes: [Route]
    /// Every registered instance, by instance id.
    let instances: [UpstreamInstance]
    /// The UP ones, the only ones requests go to.
    let upInstances: [UpstreamInstance]
    /// `apiml.enableUrlEncodedCharacters`: encoded slashes and dots are passed on as they are.
    let allowsEncodedCharacters: Bool
    /// `apiml.authentication.scheme`: bypass, zoweJwt, zosmf, ...
    let authenticationScheme: String
    /// The registered instances as discovery lists them.
    let registered: [RegisteredInstance]
    /// Where round robin is; carried over when the table is rebuilt.
    let rotation: Rotation

    init(serviceID: String, registered: [RegisteredInstance], rotation: Rotation = Rotation()) {
        self.rotation = rotation
        let sorted = registered.sorted { $0.instanceID < $1.instanceID }
        // Metadata from an UP instance when there is one: a stopping old instance may differ.
        let representative = sorted.first { $0.status == "UP" } ?? sorted[0]
        let metadata = representative.metadata
        self.serviceID = serviceID
        self.registered = sorted
        title = metadata["apiml.service.title"] ?? serviceID
        description = metadata["apiml.service.description"] ?? ""
        homePageURL = representative.homePageURL
        routes = representative.routes.map { route in
            let prefix = route.serviceURL.hasSuffix("/") ? String(route.serviceURL.dropLast()) : route.serviceURL
            return Route(gatewaySegments: route.gatewayURL.split(separator: "/"),
                         servicePrefix: prefix.isEmpty || prefix.hasPrefix("/") ? prefix : "/" + prefix)
        }.sorted { $0.gatewaySegments.count > $1.gatewaySegments.count }
        instances = sorted.map(UpstreamInstance.init)
        upInstances = instances.filter { $0.status == "UP" }
        allowsEncodedCharacters = metadata["apiml.enableUrlEncodedCharacters"]?.lowercased() == "true"
        authenticationScheme = metadata["apiml.authentication.scheme"] ?? "bypass"
    }
}

/// Where a request path leads.
enum Resolution: Equatable {
    /// No service, or no route of the service, matches.
    case noRoute
    /// The path holds encoded characters the service does not accept.
    case encodedCharacters(serviceID: String)
    /// The service is known; send to `path` (with the query) on one of its instances.
    case route(serviceID: String, path: String, gatewayPrefix: String)
}

/// The routing state built from one reading of the registry; replaced whole when the
/// registry changes, so that a request sees one consistent view without locking it.
struct RouteTable: Sendable {
    /// By lower-case service id.
    let services: [String: RoutedService]
    /// Every registered instance by instance id, which a delta is applied to.
    let instances: [String: RegisteredInstance]
    /// `apps__hashcode` of `instances`.
    let hashcode: String

    /// Services the gateway never routes to: the registry, and the gateway itself, whose own
    /// endpoints are answered before routing.
    static let unroutable: Set<String> = ["discovery", "gateway"]

    static let empty = RouteTable(instances: [:])

    /// - Parameter previous: the table this one replaces, whose round-robin positions go on.
    init(instances: [String: RegisteredInstance], previous: RouteTable? = nil) {
        self.instances = instances
        var byService: [String: [RegisteredInstance]] = [:]
        for instance in instances.values { byService[instance.serviceID, default: []].append(instance) }
        var services: [String: RoutedService] = [:]
        for (id, group) in byService {
            services[id] = RoutedService(serviceID: id, registered: group,
                                         rotation: previous?.services[id]?.rotation ?? Rotation())
        }
        self.services = services
        hashcode = EurekaApplications.hashcode(instances.values)
    }

    init(_ listing: [RegisteredInstance], previous: RouteTable? = nil) {
        var byID: [String: RegisteredInstance] = [:]
        for instance in listing { byID[instance.instanceID] = instance }
        self.init(instances: byID, previous: previous)
    }

    /// This table with a delta applied: ADDED and MODIFIED replace, DELETED removes.
    func applying(_ delta: [RegisteredInstance]) -> RouteTable {
        var instances = self.instances
        for change in delta {
            var instance = change
            instance.actionType = nil
            if change.actionType == "DELETED" {
                instances[change.instanceID] = nil
            } else {
                instances[change.instanceID] = instance
            }
        }
        return RouteTable(instances: instances, previous: self)
    }

    /// Resolves a request target (path and query as received, still percent-encoded) by
    /// both route forms: `/{serviceId}/{gatewayUrl}/rest` first, then `/{gatewayUrl}/{serviceId}/rest`.
    func resolve(_ target: String) -> Resolution {
        let (rawPath, query) = Self.split(target)
        let segments = Self.removingDotSegments(rawPath)
        guard !segments.isEmpty else { return .noRoute }

        // v2 form: the first segment names the service.
        if let service = service(named: segments[0]),
           let match = Self.match(service, segments, after: 1) {
            return make(service, match, query: query, rawPath: rawPath,
                        prefix: "/" + segments[0] + "/" + match.route.gatewayURL)
        }
        // v1 form: the gateway URL first, then the service id.
        for length in stride(from: min(segments.count - 1, 4), through: 1, by: -1) {
            guard let service = service(named: segments[length]) else { continue }
            let gateway = segments[0..<length]
            guard let route = service.routes.first(where: { Self.equal($0.gatewaySegments, gateway) }) else { continue }
            let rest = Array(segments[(length + 1)...])
            return make(service, (route, rest), query: query, rawPath: rawPath,
                        prefix: "/" + route.gatewayURL + "/" + segments[length])
        }
        return .noRoute
    }

    private func service(named segment: Substring) -> RoutedService? {
        // Ids are mostly lower case already: no lower-case copy then (and a short id is a
        // string without storage of its own).
        let id = segment.utf8.contains(where: { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
            ? segment.lowercased() : String(segment)
        guard !Self.unroutable.contains(id) else { return nil }
        return services[id]
    }

    private func make(_ service: RoutedService, _ match: (route: RoutedService.Route, rest: [Substring]),
                      query: Substring?, rawPath: Substring, prefix: String) -> Resolution {
        if !service.allowsEncodedCharacters, Self.hasProhibitedEncoding(rawPath) {
            return .encodedCharacters(serviceID: service.serviceID)
        }
        var path = match.route.servicePrefix
        if !match.rest.isEmpty { path += "/" + match.rest.joined(separator: "/") }
        if path.isEmpty { path = "/" }
        if let query { path += "?" + query }
        return .route(serviceID: service.serviceID, path: path, gatewayPrefix: prefix)
    }

    /// The longest route of `service` whose gateway URL is the segments from `start` on.
    private static func match(_ service: RoutedService, _ segments: [Substring],
                              after start: Int) -> (route: RoutedService.Route, rest: [Substring])? {
        for route in service.routes {
            let end = start + route.gatewaySegments.count
            guard end <= segments.count, equal(route.gatewaySegments, segments[start..<end]) else { continue }
            return (route, Array(segments[end...]))
        }
        return nil
    }

    private static func equal(_ route: [Substring], _ path: ArraySlice<Substring>) -> Bool {
        guard route.count == path.count else { return false }
        return zip(route, path).allSatisfy { equalIgnoringASCIICase($0.0, $0.1) }
    }
}

/// A service's round-robin position.
final class Rotation: Sendable {
    private let position = Atomic<Int>(0)

    /// The position for the next request.
    func next() -> Int {
        position.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}

/// The current route table, swapped whole by the registry watcher and read by every request.
final class Routing: Sendable {
    private let current = Mutex(RouteTable.empty)
    /// Whether the last reading of the registry succeeded, for /application/health.
    let discoveryReachable = Atomic<Bool>(false)

    var table: RouteTable { current.withLock { $0 } }

    func publish(_ table: RouteTable) {
        current.withLock { $0 = table }
    }

    /// The UP instances of a service in the order to try them: each request starts one
    /// further than the last, so that requests alternate. An instance that could not be
    /// reached lately goes last, so that while its host is down (and until discovery evicts
    /// it) requests do not wait for its connect timeout first.
    func order(_ service: RoutedService) -> [UpstreamInstance] {
        let instances = service.upInstances
        guard instances.count > 1 else { return instances }
        let start = Int(UInt(bitPattern: service.rotation.next()) % UInt(instances.count))
        let rotated = Array(instances[start...] + instances[..<start])
        guard unreachableCount.load(ordering: .relaxed) > 0 else { return rotated }
        let now = ContinuousClock.now
        let cooling = unreachable.withLock { unreachable in
            unreachable = unreachable.filter { $0.value > now }
            unreachableCount.store(unreachable.count, ordering: .relaxed)
            return Set(unreachable.keys)
        }
        guard !cooling.isEmpty else { return rotated }
        return rotated.filter { !cooling.contains($0.authority) } + rotated.filter { cooling.contains($0.authority) }
    }

    /// How long an instance that refused or did not answer a connection goes last.
    static let unreachableFor: Duration = .seconds(10)
    private let unreachable = Mutex<[String: ContinuousClock.Instant]>([:])
    /// The number of entries of `unreachable`, read without the lock on every request.
    private let unreachableCount = Atomic<Int>(0)

    /// A connection to `instance` was refused or timed out.
    func markUnreachable(_ instance: UpstreamInstance) {
        let until = ContinuousClock.now + Self.unreachableFor
        unreachable.withLock { unreachable in
            unreachable[instance.authority] = until
            unreachableCount.store(unreachable.count, ordering: .relaxed)
        }
    }

    /// A connection to `instance` worked again.
    func markReachable(_ instance: UpstreamInstance) {
        guard unreachableCount.load(ordering: .relaxed) > 0 else { return }
        unreachable.withLock { unreachable in
            unreachable[instance.authority] = nil
            unreachableCount.store(unreachable.count, ordering: .relaxed)
        }
    }
}
