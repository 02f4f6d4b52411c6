// zwe-component: the program behind every Zowe component this launcher starts. Its first
// argument picks the component; each one is an HTTPS server on the component runtime, which
// takes its identity, port and verify mode from the environment the launcher injects.

import Foundation
import ZweAPICatalog
import ZweComponentRuntime
import ZweDiscovery
import ZweGateway
import ZweJobsAPI
import ZweExplorerJES
import ZweMessages

let components: [ComponentSpec] = [
    // The registry asks for a client certificate without requiring one: health checks come
    // without, registrations with one, and the registry decides per path.
    ComponentSpec(id: "discovery", portVariable: "DISCOVERY_PORT", clientCertificates: .request),
    // The gateway asks for one (a client without one still connects); one that is presented
    // must chain to the truststore's certificate authorities.
    ComponentSpec(id: "gateway", portVariable: "GATEWAY_PORT", clientCertificates: .request),
    // The services behind the gateway ask the same, and log whose certificate called them:
    // the gateway's, when it routes to them.
    ComponentSpec(id: "api-catalog", portVariable: "CATALOG_PORT", clientCertificates: .request),
    ComponentSpec(id: "jobs-api", portVariable: "JOBS_API_PORT", clientCertificates: .request),
    ComponentSpec(id: "explorer-jes", portVariable: "JES_EXPLORER_UI_PORT", clientCertificates: .request),
]

let usage = """
    Usage: zwe-component <id>

    Runs one Zowe component as an HTTPS server until SIGTERM or SIGINT.
    Ids and the variable each reads its port from:
    \(components.map { "  \($0.id.padding(toLength: 14, withPad: " ", startingAt: 0)) \($0.portVariable)" }.joined(separator: "\n"))

    Every component also reads KEYSTORE, KEYSTORE_PASSWORD, KEYSTORE_TYPE (PKCS12), KEY_ALIAS,
    TRUSTSTORE, VERIFY_CERTIFICATES, NONSTRICT_VERIFY_CERTIFICATES, ZWE_BIND_ADDRESS (default
    127.0.0.1), ZWE_COMPONENT_ID, ZWE_JOB_NAME and ZWE_LOG_LEVEL_ZWELS (DEBUG logs each request).

    """

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--help") || arguments.contains("-h") {
    print(usage, terminator: "")
    exit(0)
}
guard arguments.count == 1 else {
    ComponentMain.fail(Diagnostic(MessageCatalog.runtimeUsage, [
        "detail": arguments.isEmpty ? "no component id given" : "expected one argument, got \(arguments.count)",
    ]), status: 2)
}
guard let spec = components.first(where: { $0.id == arguments[0] }) else {
    ComponentMain.fail(Diagnostic(MessageCatalog.runtimeUnknownComponent, [
        "id": arguments[0], "known": components.map(\.id).joined(separator: ", "),
    ]), status: 2)
}
switch spec.id {
case "discovery":
    await ComponentMain.run(spec) { (server: inout ComponentServer) throws(Diagnostic) in
        try DiscoveryService.configure(&server)
    }
case "gateway":
    await GatewayComponent.run(spec)
case "api-catalog":
    await ComponentMain.run(spec) { (server: inout ComponentServer) throws(Diagnostic) in
        try APICatalogComponent.configure(&server)
    }
case "jobs-api":
    await ComponentMain.run(spec) { (server: inout ComponentServer) throws(Diagnostic) in
        try JobsAPIComponent.configure(&server)
    }
case "explorer-jes":
    await ComponentMain.run(spec) { (server: inout ComponentServer) throws(Diagnostic) in
        try ExplorerJESComponent.configure(&server)
    }
default:
    await ComponentMain.run(spec)
}
