// ZweExplorerJES owns the explorer-jes component: it registers with discovery as `explorer-jes`
// (route ui/v1 -> /ui/v1) and serves the JES explorer page, which is used through the gateway
// (`/explorer-jes/ui/v1/`) so that its calls to the gateway's login and the jobs API are same-origin
// and carry the HttpOnly token cookie. It runs on ZweComponentRuntime like every component.

import Foundation
import Hummingbird
import NIOCore
import ZweComponentRuntime
import ZweMessages

public enum ExplorerJESComponent {
    public static let registration = EurekaRegistration(
        serviceID: "explorer-jes",
        title: "JES Explorer",
        description: "Browse jobs, their spool files and purge them, through the gateway and the jobs API",
        routes: [.init(gatewayURL: "ui/v1", serviceURL: "/ui/v1")],
        homePagePath: "/ui/v1/",
        extraMetadata: [
            "apiml.catalog.tile.id": "zlux",
            "apiml.catalog.tile.title": "Zowe Desktop Applications",
            "apiml.catalog.tile.description": "Web applications of Zowe",
            "apiml.authentication.scheme": "bypass",
        ])

    public static func configure(
        _ server: inout ComponentServer, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Diagnostic) {
        let settings = server.environment
        let discovery = try EurekaClientConfiguration.read(component: settings.componentID, environment: environment)
        let client = try SouthboundClient(identity: server.identity, mode: settings.verifyMode, logger: server.logger)
        for path in ["/ui/v1", "/"] {
            server.router.get(RouterPath(stringLiteral: path)) { _, _ in page() }
        }
        let eureka = EurekaClient(registration: registration, port: settings.port, configuration: discovery,
                                  client: client, component: settings.componentID, logger: server.logger)
        server.services.append(client.service)
        server.services.append(eureka)
    }

    static func page() -> Response {
        WebPage.response(html: ExplorerPage.html, contentSecurityPolicy: ExplorerPage.contentSecurityPolicy)
    }
}
