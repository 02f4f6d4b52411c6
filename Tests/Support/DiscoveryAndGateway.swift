import Foundation

/// A discovery service and a gateway on free loopback ports, started from the built
/// `zwe-component` as the launcher starts them, the gateway told to read discovery's registry
/// often; both stopped by `stop()`, and discovery also when the gateway does not come up.
public final class DiscoveryAndGateway: @unchecked Sendable {
    public let discovery: Running
    public let gateway: Running
    public let discoveryPort = freePort()
    public let gatewayPort = freePort()

    /// - Parameters:
    ///   - discoveryEnvironment, gatewayEnvironment: more variables for each.
    ///   - gatewayPrefix: a program that execs the gateway with its arguments after it (e.g.
    ///     `prlimit --nofile=N:N --`), so that the process measured is still the gateway's own.
    public init(_ keystore: Keystore, discoveryEnvironment: [String: String] = [:], gatewayEnvironment: [String: String] = [:],
                gatewayPrefix: [String] = []) async throws {
        discovery = try Running(Programs.component, ["discovery"], environment: componentEnvironment(keystore, [
            "DISCOVERY_PORT": "\(discoveryPort)",
        ].merging(discoveryEnvironment) { _, new in new }))
        guard await discovery.waitFor("discovery listening on https://127.0.0.1:\(discoveryPort)") != nil else {
            discovery.stop()
            throw TestFailure("discovery did not start\n\(discovery.output)")
        }
        let environment = componentEnvironment(keystore, [
            "GATEWAY_PORT": "\(gatewayPort)",
            "ZWE_DISCOVERY_SERVICES_LIST": "https://localhost:\(discoveryPort)/eureka/",
            "ZOWE_EXPLORER_HOST": "localhost",
            "ZWE_GATEWAY_REGISTRY_REFRESH_SECONDS": "0.2",
        ].merging(gatewayEnvironment) { _, new in new })
        do {
            gateway = gatewayPrefix.isEmpty
                ? try Running(Programs.component, ["gateway"], environment: environment)
                : try Running(gatewayPrefix[0], Array(gatewayPrefix.dropFirst()) + [Programs.component, "gateway"], environment: environment)
        } catch {
            discovery.stop()
            throw error
        }
        guard await gateway.waitFor("gateway listening on https://127.0.0.1:\(gatewayPort)") != nil else {
            gateway.stop()
            discovery.stop()
            throw TestFailure("gateway did not start\n\(gateway.output)")
        }
    }

    public func stop() {
        gateway.stop()
        discovery.stop()
    }
}
