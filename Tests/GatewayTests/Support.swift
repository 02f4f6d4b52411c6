import Foundation
import Testing
import ZweTestSupport

// The gateway's tests start the built `zwe-component discovery` and `zwe-component gateway`
// as the launcher does, register real HTTPS services (Tests/Fixtures/test-service.py, with
// certificates made here by openssl) with discovery using curl and the Zowe certificate, and
// call them through the gateway with curl.

/// A discovery service and a gateway on free loopback ports.
final class APIML: @unchecked Sendable {
    let keystore: Keystore
    let servers: DiscoveryAndGateway
    var discovery: Running { servers.discovery }
    var gateway: Running { servers.gateway }
    var discoveryPort: Int { servers.discoveryPort }
    var gatewayPort: Int { servers.gatewayPort }

    /// - Parameters:
    ///   - environment: more variables for both (the verify mode).
    ///   - gatewayEnvironment: more variables for the gateway (timeout, users file).
    init(_ keystore: Keystore, environment: [String: String] = [:], gatewayEnvironment: [String: String] = [:]) async throws {
        self.keystore = keystore
        servers = try await DiscoveryAndGateway(
            keystore, discoveryEnvironment: ["ZWE_DISCOVERY_EVICTION_INTERVAL_SECONDS": "1"].merging(environment) { _, new in new },
            gatewayEnvironment: ["ZWE_EUREKA_RENEW_SECONDS": "2"].merging(environment) { _, new in new }.merging(gatewayEnvironment) { _, new in new })
    }

    func stop() { servers.stop() }

    /// Two test services, "first" and "second", registered as one service; returned once the
    /// gateway routes to both.
    func twoInstances(_ serviceID: String) async throws -> (TestService, TestService) {
        let certificate = try await ServiceCertificate.make(.localCA(san: "DNS:localhost,IP:127.0.0.1"), keystore: keystore)
        let first = try await TestService(name: "first", certificate: certificate, keystore: keystore)
        let second = try await TestService(name: "second", certificate: certificate, keystore: keystore)
        try await register(first, serviceID: serviceID)
        try await register(second, serviceID: serviceID)
        let both = try await eventually(timeout: .seconds(15)) {
            let a = try await call("/\(serviceID)/api/v1/x").json["service"] as? String
            let b = try await call("/\(serviceID)/api/v1/x").json["service"] as? String
            return a != nil && b != nil && a != b ? true : nil
        }
        guard both == true else {
            first.stop()
            second.stop()
            throw TestFailure("the gateway does not route to both instances of \(serviceID)")
        }
        return (first, second)
    }

    struct Answer: CustomStringConvertible {
        let status: Int
        let body: String
        let headers: String
        var description: String { "HTTP \(status)\n\(headers)\n\(body)" }
        var json: [String: Any] { jsonObject(body) as? [String: Any] ?? [:] }

        /// The first API ML message of an error body.
        var message: (number: String, content: String)? {
            guard let messages = json["messages"] as? [[String: Any]], let first = messages.first,
                  let number = first["messageNumber"] as? String, let content = first["messageContent"] as? String else { return nil }
            return (number, content)
        }
    }

    /// A request through the gateway, trusting only the instance CA, without a client certificate.
    func call(_ path: String, method: String = "GET", extra: [String] = []) async throws -> Answer {
        try await Self.request("https://localhost:\(gatewayPort)" + path, method: method, ca: keystore.caCertificate, extra: extra)
    }

    /// A request to discovery's Eureka API with the Zowe certificate, as a service registers.
    func eureka(_ method: String, _ path: String, body: String? = nil) async throws -> Answer {
        var extra = ["--cert", keystore.certificate, "--key", keystore.privateKey, "--header", "Accept: application/json"]
        if let body { extra += ["--header", "Content-Type: application/json", "--data-binary", body] }
        return try await Self.request("https://localhost:\(discoveryPort)/eureka" + path, method: method,
                                      ca: keystore.caCertificate, extra: extra)
    }

    static func request(_ url: String, method: String, ca: String, extra: [String]) async throws -> Answer {
        let headersFile = FileManager.default.temporaryDirectory.appendingPathComponent("headers-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: headersFile) }
        let result = try await runTool("curl", ["--silent", "--show-error", "--max-time", "20", "--cacert", ca,
                                                "--request", method, "--dump-header", headersFile,
                                                "--write-out", "\n%{http_code}"] + extra + [url])
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        let headers = (try? String(contentsOfFile: headersFile, encoding: .utf8)) ?? ""
        return Answer(status: status, body: lines.joined(separator: "\n"), headers: headers + result.stderr)
    }

    /// Registers an instance of a test service with discovery.
    func register(_ service: TestService, serviceID: String, routes: [(String, String)] = [("api/v1", "/api/v1")],
                  status: String = "UP", metadata: [String: String] = [:]) async throws {
        var all = metadata
        for (index, route) in routes.enumerated() {
            all["apiml.routes.r\(index).gatewayUrl"] = route.0
            all["apiml.routes.r\(index).serviceUrl"] = route.1
        }
        let metadataJSON = String(data: try JSONSerialization.data(withJSONObject: all, options: [.sortedKeys]), encoding: .utf8)!
        let body = """
            {"instance":{"instanceId":"\(service.instanceID(serviceID))","app":"\(serviceID.uppercased())",
            "hostName":"\(service.host)","ipAddr":"127.0.0.1","status":"\(status)",
            "port":{"$":\(service.port),"@enabled":"false"},"securePort":{"$":\(service.port),"@enabled":"true"},
            "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},
            "leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90},
            "homePageUrl":"https://\(service.host):\(service.port)/","vipAddress":"\(serviceID)","metadata":\(metadataJSON)}}
            """
        let answer = try await eureka("POST", "/apps/\(serviceID.uppercased())", body: body)
        guard answer.status == 204 else { throw TestFailure("registration of \(serviceID) failed: \(answer)") }
    }

    func setStatus(_ service: TestService, serviceID: String, _ status: String) async throws {
        let id = service.instanceID(serviceID).replacingOccurrences(of: ":", with: "%3A")
        let answer = try await eureka("PUT", "/apps/\(serviceID.uppercased())/\(id)/status?value=\(status)")
        guard answer.status == 200 else { throw TestFailure("status change failed: \(answer)") }
    }

    func cancel(_ service: TestService, serviceID: String) async throws {
        let id = service.instanceID(serviceID).replacingOccurrences(of: ":", with: "%3A")
        let answer = try await eureka("DELETE", "/apps/\(serviceID.uppercased())/\(id)")
        guard answer.status == 200 else { throw TestFailure("cancel failed: \(answer)") }
    }

    /// Calls `path` until the answer has `status` (the gateway learns registry changes within
    /// its refresh period); the last answer either way.
    func waitFor(_ path: String, status: Int, timeout: Duration = .seconds(15)) async throws -> Answer {
        let deadline = ContinuousClock.now + timeout
        while true {
            let answer = try await call(path)
            if answer.status == status || ContinuousClock.now >= deadline { return answer }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}

/// A certificate and key in PEM files for a test service.
struct ServiceCertificate: Sendable {
    let certificate: String
    let key: String

    enum Kind: Sendable {
        /// Signed by the instance's local CA, for these SAN entries.
        case localCA(san: String)
        /// Self-signed: from a CA no truststore knows.
        case unknownCA
    }

    static func make(_ kind: Kind, keystore: Keystore) async throws -> ServiceCertificate {
        let folder = try TemporaryPaths.makeDirectory("service-cert")
        let certificate = folder + "/service.cer"
        let key = folder + "/service.key"
        func openssl(_ arguments: [String]) async throws {
            let result = try await runTool("openssl", arguments)
            guard result.status == 0 else { throw TestFailure("openssl \(arguments.joined(separator: " ")): \(result)") }
        }
        switch kind {
        case .unknownCA:
            try await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                               "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=Unknown CA service",
                               "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        case .localCA(let san):
            // The CA's key comes out of the local CA's PKCS#12 store, with the keystore password.
            let caKey = folder + "/ca.key"
            let password = keystore.environment["KEYSTORE_PASSWORD"] ?? ""
            try await openssl(["pkcs12", "-in", keystore.root + "/local_ca/localca.keystore.p12", "-nocerts", "-nodes",
                               "-passin", "pass:\(password)", "-out", caKey])
            try await openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                               "-keyout", key, "-out", folder + "/service.csr", "-subj", "/CN=Test service"])
            try "subjectAltName=\(san)\nextendedKeyUsage=serverAuth,clientAuth\n"
                .write(toFile: folder + "/ext.cnf", atomically: true, encoding: .utf8)
            try await openssl(["x509", "-req", "-in", folder + "/service.csr", "-CA", keystore.caCertificate,
                               "-CAkey", caKey, "-CAcreateserial", "-days", "2", "-out", certificate,
                               "-extfile", folder + "/ext.cnf"])
        }
        return ServiceCertificate(certificate: certificate, key: key)
    }
}

/// One running instance of Tests/Fixtures/test-service.py.
final class TestService: @unchecked Sendable {
    let name: String
    let port: Int
    let host: String
    let running: Running

    init(name: String, certificate: ServiceCertificate, keystore: Keystore, host: String = "localhost") async throws {
        self.name = name
        self.host = host
        port = freePort()
        running = try Running("/usr/bin/env", [
            "python3", Programs.packageRoot + "/Tests/Fixtures/test-service.py", "--name", name, "--port", "\(port)",
            "--cert", certificate.certificate, "--key", certificate.key, "--ca", keystore.caCertificate,
        ], environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
        guard await running.waitFor("test-service \(name) listening on \(port)") != nil else {
            running.stop()
            throw TestFailure("test service \(name) did not start\n\(running.output)")
        }
    }

    func instanceID(_ serviceID: String) -> String { "\(host):\(serviceID):\(port)" }

    func stop() { running.stop() }
}
