import Testing
import ZweComponentRuntime
@testable import ZweGateway

@Suite("gateway: route resolution")
struct RouteTableTests {
    static func instance(_ app: String, _ id: String, status: String = "UP", routes: [String: String],
                         metadata: [String: String] = [:]) -> RegisteredInstance {
        var all = metadata
        for (index, (gateway, service)) in routes.sorted(by: { $0.key < $1.key }).enumerated() {
            all["apiml.routes.r\(index).gatewayUrl"] = gateway
            all["apiml.routes.r\(index).serviceUrl"] = service
        }
        return RegisteredInstance(app: app, instanceID: id, status: status, hostName: "localhost", ipAddress: "127.0.0.1",
                                  port: 1, securePort: 443, portEnabled: false, securePortEnabled: true, metadata: all)
    }

    let table = RouteTable([
        instance("ECHO", "h:echo:1", routes: ["api/v1": "/echo/api/v1", "api": "/echo/root", "ui/v1": "/"]),
        instance("DISCOVERY", "h:discovery:1", routes: ["api/v1": "/eureka"]),
        instance("RAW", "h:raw:1", routes: ["api/v1": "/raw/"], metadata: ["apiml.enableUrlEncodedCharacters": "true"]),
    ])

    @Test("Both forms; the longest gateway URL wins; the query is kept")
    func forms() {
        #expect(table.resolve("/echo/api/v1/a/b?x=1&y=%20") == .route(serviceID: "echo", path: "/echo/api/v1/a/b?x=1&y=%20", gatewayPrefix: "/echo/api/v1"))
        #expect(table.resolve("/api/v1/echo/a/b?x=1") == .route(serviceID: "echo", path: "/echo/api/v1/a/b?x=1", gatewayPrefix: "/api/v1/echo"))
        #expect(table.resolve("/echo/api/v2") == .route(serviceID: "echo", path: "/echo/root/v2", gatewayPrefix: "/echo/api"))
        #expect(table.resolve("/echo/ui/v1/") == .route(serviceID: "echo", path: "/", gatewayPrefix: "/echo/ui/v1"))
        #expect(table.resolve("/echo/ui/v1") == .route(serviceID: "echo", path: "/", gatewayPrefix: "/echo/ui/v1"))
        #expect(table.resolve("/echo/api/v1") == .route(serviceID: "echo", path: "/echo/api/v1", gatewayPrefix: "/echo/api/v1"))
        #expect(table.resolve("/ECHO/API/V1/x") == .route(serviceID: "echo", path: "/echo/api/v1/x", gatewayPrefix: "/ECHO/api/v1"))
    }

    @Test("Unknown services, unknown routes and discovery are not routed")
    func noRoute() {
        #expect(table.resolve("/") == .noRoute)
        #expect(table.resolve("/nothing/api/v1/x") == .noRoute)
        #expect(table.resolve("/echo/other/x") == .noRoute)
        #expect(table.resolve("/discovery/api/v1/apps") == .noRoute)
        #expect(table.resolve("/api/v1/discovery/apps") == .noRoute)
    }

    @Test("Dot segments are resolved before routing; encoded slashes only for services that allow them")
    func pathSafety() {
        #expect(table.resolve("/echo/api/v1/a/b/../../x") == .route(serviceID: "echo", path: "/echo/api/v1/x", gatewayPrefix: "/echo/api/v1"))
        // Climbing out of the route changes the route: here to none.
        #expect(table.resolve("/echo/api/v1/../../../../etc/passwd") == .noRoute)
        #expect(table.resolve("/x/../echo/api/v1/./y") == .route(serviceID: "echo", path: "/echo/api/v1/y", gatewayPrefix: "/echo/api/v1"))
        for encoded in ["%2F", "%2f", "%2E", "%5C", "%3B", "%25"] {
            #expect(table.resolve("/echo/api/v1/a\(encoded)b") == .encodedCharacters(serviceID: "echo"), "\(encoded)")
        }
        #expect(table.resolve("/echo/api/v1/a%20b") == .route(serviceID: "echo", path: "/echo/api/v1/a%20b", gatewayPrefix: "/echo/api/v1"))
        #expect(table.resolve("/raw/api/v1/a%2Fb") == .route(serviceID: "raw", path: "/raw/a%2Fb", gatewayPrefix: "/raw/api/v1"))
    }

    @Test("A delta adds, changes and removes instances; the hashcode follows")
    func delta() {
        var added = Self.instance("NEW", "h:new:1", routes: ["api/v1": "/"])
        added.actionType = "ADDED"
        var changed = Self.instance("ECHO", "h:echo:1", status: "OUT_OF_SERVICE", routes: ["api/v1": "/echo/api/v1"])
        changed.actionType = "MODIFIED"
        var deleted = Self.instance("RAW", "h:raw:1", routes: [:])
        deleted.actionType = "DELETED"
        let next = table.applying([added, changed, deleted])
        #expect(next.services["raw"] == nil)
        #expect(next.services["echo"]?.upInstances.isEmpty == true)
        #expect(next.services["new"] != nil)
        #expect(next.hashcode == "OUT_OF_SERVICE_1_UP_2_")
        #expect(table.hashcode == "UP_3_")
    }

    @Test("Round robin starts one further for each request")
    func roundRobin() {
        let routing = Routing()
        let registered = (1...3).map { number in
            RegisteredInstance(app: "S", instanceID: "i\(number)", status: "UP", hostName: "h", securePort: number)
        }
        let service = RouteTable(registered).services["s"]!
        let firsts = (0..<6).map { _ in routing.order(service).first!.port }
        #expect(firsts == [1, 2, 3, 1, 2, 3])
        #expect(routing.order(service).map(\.port) == [1, 2, 3])
        // A rebuilt table goes on where the old one was.
        let table = RouteTable(registered)
        _ = routing.order(table.services["s"]!)
        #expect(routing.order(RouteTable(registered, previous: table).services["s"]!).first!.port == 2)
    }
}
