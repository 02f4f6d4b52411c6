import Foundation
import Testing
import ZweTestSupport

@Suite("gateway: routing, verify modes, instances, errors", .serialized)
struct GatewayRoutingTests {
    @Test("Both route forms reach the service with path and query intact; own endpoints, encoded slashes, timeout")
    func routeForms() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let apiml = try await APIML(keystore, gatewayEnvironment: ["APIML_GATEWAY_TIMEOUT_MILLIS": "1500"])
        defer { apiml.stop() }
        let certificate = try await ServiceCertificate.make(.localCA(san: "DNS:localhost,IP:127.0.0.1"), keystore: keystore)
        let echo = try await TestService(name: "echo", certificate: certificate, keystore: keystore)
        defer { echo.stop() }
        let encoded = try await TestService(name: "encoded", certificate: certificate, keystore: keystore)
        defer { encoded.stop() }
        try await apiml.register(echo, serviceID: "echo", routes: [("api/v1", "/echo/api/v1"), ("ui/v1", "/echo/ui")])
        try await apiml.register(encoded, serviceID: "encodedsvc", metadata: ["apiml.enableUrlEncodedCharacters": "true"])

        // v2 form, then v1 form: the same request on the service.
        let v2 = try await apiml.waitFor("/echo/api/v1/x/y?q=1&r=a%20b", status: 200)
        #expect(v2.status == 200, "\(v2)")
        #expect(v2.json["path"] as? String == "/echo/api/v1/x/y?q=1&r=a%20b")
        #expect(v2.json["host"] as? String == "localhost:\(echo.port)")
        #expect(v2.json["forwardedPrefix"] as? String == "/echo/api/v1")
        // Southbound with the Zowe certificate (STRICT by default).
        #expect((v2.json["clientCertificate"] as? String)?.contains("commonName=Zowe Service") == true, "\(v2)")
        let v1 = try await apiml.call("/api/v1/echo/x/y?q=1&r=a%20b")
        #expect(v1.status == 200 && v1.json["path"] as? String == "/echo/api/v1/x/y?q=1&r=a%20b", "\(v1)")
        let ui = try await apiml.call("/echo/ui/v1/")
        #expect(ui.json["path"] as? String == "/echo/ui/", "\(ui)")
        // Service ids are case-insensitive; a POST body arrives whole.
        let post = try await apiml.call("/ECHO/api/v1/items", method: "POST", extra: ["--data-binary", String(repeating: "z", count: 5000)])
        #expect(post.status == 200 && post.json["method"] as? String == "POST" && post.json["bodyLength"] as? Int == 5000, "\(post)")

        // HEAD: the answer has the GET's Content-Length and no body, and the connection stays usable.
        let head = try await apiml.call("/echo/api/v1/x", method: "HEAD", extra: ["--head"])
        #expect(head.status == 200 && head.headers.lowercased().contains("content-length: 1234"), "\(head)")
        let afterHead = try await apiml.call("/echo/api/v1/after-head")
        #expect(afterHead.status == 200, "\(afterHead)")

        // Dot segments cannot climb out of the service's prefix.
        let dots = try await apiml.call("/echo/api/v1/a/b/../../etc?x=1", extra: ["--path-as-is"])
        #expect(dots.json["path"] as? String == "/echo/api/v1/etc?x=1", "\(dots)")
        let climbing = try await apiml.call("/echo/api/v1/../../../../etc/passwd", extra: ["--path-as-is"])
        #expect(climbing.status == 404 && climbing.message?.number == "ZWEAM104E", "\(climbing)")

        let unknown = try await apiml.call("/nosuch/api/v1/x")
        #expect(unknown.status == 404)
        #expect(unknown.message?.number == "ZWEAM104E")
        #expect(unknown.message?.content == "The endpoint you are looking for '/nosuch/api/v1/x' could not be located")
        let noRoute = try await apiml.call("/echo/api/v9/x")
        #expect(noRoute.status == 404 && noRoute.message?.number == "ZWEAM104E", "\(noRoute)")
        let registry = try await apiml.call("/discovery/api/v1/apps")
        #expect(registry.status == 404, "discovery is not routable: \(registry)")

        let slash = try await apiml.call("/echo/api/v1/a%2Fb")
        #expect(slash.status == 400, "\(slash)")
        #expect(slash.message?.number == "ZWEAG701E")
        #expect(slash.message?.content == "Service 'echo' does not allow encoded characters in the request path: '/echo/api/v1/a%2Fb'.")
        let allowed = try await apiml.waitFor("/encodedsvc/api/v1/a%2Fb", status: 200)
        #expect(allowed.json["path"] as? String == "/api/v1/a%2Fb", "\(allowed)")

        let slow = try await apiml.call("/echo/api/v1/slow?sleep=4")
        #expect(slow.status == 504, "\(slow)")
        #expect(slow.message?.number == "ZWEAM700E")

        let health = try await apiml.call("/application/health")
        let gateway = (health.json["components"] as? [String: Any])?["gateway"] as? [String: Any]
        let details = gateway?["details"] as? [String: Any]
        #expect(health.status == 200 && health.json["status"] as? String == "UP", "\(health)")
        #expect(details?["discovery"] as? String == "UP", "\(health)")
        let counted = try await eventually {
            let again = try await apiml.call("/application/health")
            let count = (((again.json["components"] as? [String: Any])?["gateway"] as? [String: Any])?["details"] as? [String: Any])?["gatewayCount"] as? Int
            return count == 1 ? true : nil
        }
        #expect(counted == true, "the gateway's own registration shows in gatewayCount")

        let services = try await apiml.call("/gateway/api/v1/services/echo")
        let routes = ((services.json["apiml"] as? [String: Any])?["routes"] as? [[String: Any]])?.compactMap { $0["gatewayUrl"] as? String }
        #expect(services.status == 200 && Set(routes ?? []) == ["api/v1", "ui/v1"], "\(services)")
        #expect((services.json["instances"] as? [String: Any])?.keys.contains(echo.instanceID("echo")) == true)
        let version = try await apiml.call("/gateway/api/v1/version")
        #expect(version.status == 200 && version.json["apiml"] != nil, "\(version)")
        let landing = try await apiml.call("/")
        #expect(landing.status == 200 && landing.body.contains("/echo/api/v1/") && landing.body.contains("/apicatalog/ui/v1/"), "\(landing)")
    }

    @Test("Verify modes southbound: a matching certificate, a wrong host and an unknown CA",
          arguments: [
            ("STRICT", "true", "true", [200, 502, 502]),
            ("NONSTRICT", "false", "true", [200, 200, 502]),
            ("DISABLED", "false", "false", [200, 200, 200]),
          ])
    func verifyModes(mode: String, verify: String, nonStrict: String, expected: [Int]) async throws {
        let keystore = try await Keystore.make("EC-P256")
        // Every component of an instance runs in the instance's verify mode, discovery too.
        let apiml = try await APIML(keystore, environment: [
            "VERIFY_CERTIFICATES": verify, "NONSTRICT_VERIFY_CERTIFICATES": nonStrict,
        ])
        defer { apiml.stop() }
        let certificates = [
            try await ServiceCertificate.make(.localCA(san: "DNS:localhost,IP:127.0.0.1"), keystore: keystore),
            try await ServiceCertificate.make(.localCA(san: "DNS:wrong.example.com"), keystore: keystore),
            try await ServiceCertificate.make(.unknownCA, keystore: keystore),
        ]
        let names = ["matching", "wronghost", "unknownca"]
        var services: [TestService] = []
        defer { services.forEach { $0.stop() } }
        for (name, certificate) in zip(names, certificates) {
            let service = try await TestService(name: name, certificate: certificate, keystore: keystore)
            services.append(service)
            try await apiml.register(service, serviceID: name)
        }
        // The gateway knows all three once the first answers anything but 404.
        for name in names {
            _ = try await eventually(timeout: .seconds(15)) { try await apiml.call("/\(name)/api/v1/x").status != 404 ? true : nil }
        }
        for (name, status) in zip(names, expected) {
            let answer = try await apiml.call("/\(name)/api/v1/x?q=1")
            #expect(answer.status == status, "\(mode) \(name): \(answer)")
            if status == 502 {
                #expect(answer.message?.number == "ZWEAM511E", "\(answer)")
                let content = answer.message?.content ?? ""
                #expect(content.hasPrefix("There was a TLS request error accessing the URL 'https://localhost:"), "\(content)")
                let reason = name == "wronghost" ? "not valid for the host name" : "not trusted"
                #expect(content.contains(reason), "\(mode) \(name): \(content)")
            } else {
                #expect(answer.json["path"] as? String == "/api/v1/x?q=1", "\(answer)")
                // The Zowe certificate goes south in STRICT and NONSTRICT, nothing in DISABLED.
                let presented = answer.json["clientCertificate"] as? String
                #expect((presented != nil) == (mode != "DISABLED"), "\(mode) \(name): \(answer)")
            }
        }
    }

    @Test("Two instances: alternate, survive one killed, then OUT_OF_SERVICE, all killed and all cancelled")
    func twoInstances() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let apiml = try await APIML(keystore)
        defer { apiml.stop() }
        let (first, second) = try await apiml.twoInstances("twins")
        defer {
            first.stop()
            second.stop()
        }

        var served: [String] = []
        for _ in 0..<6 { served.append(try await apiml.call("/twins/api/v1/x").json["service"] as? String ?? "?") }
        #expect(Set(served) == ["first", "second"], "\(served)")
        #expect(zip(served, served.dropFirst()).allSatisfy { $0 != $1 }, "requests alternate: \(served)")

        first.stop()
        for _ in 0..<6 {
            let answer = try await apiml.call("/twins/api/v1/x")
            #expect(answer.status == 200 && answer.json["service"] as? String == "second", "\(answer)\n\(apiml.gateway.output)")
        }

        try await apiml.setStatus(first, serviceID: "twins", "OUT_OF_SERVICE")
        try await apiml.setStatus(second, serviceID: "twins", "OUT_OF_SERVICE")
        let none = try await apiml.waitFor("/twins/api/v1/x", status: 503)
        #expect(none.status == 503, "\(none)")
        #expect(none.message?.number == "ZWEAG710E")
        #expect(none.message?.content == "Load balancer does not have available server for client: twins")

        try await apiml.setStatus(first, serviceID: "twins", "UP")
        try await apiml.setStatus(second, serviceID: "twins", "UP")
        _ = try await apiml.waitFor("/twins/api/v1/x", status: 200)
        second.stop()
        let refused = try await apiml.call("/twins/api/v1/x")
        #expect(refused.status == 500, "\(refused)")
        #expect(refused.message?.number == "ZWEAG708E")
        #expect(refused.message?.content.hasPrefix(
            "The request to the URL '/twins/api/v1/x' failed after retrying on all known service instances. Caused by: ") == true,
            "\(refused)")

        try await apiml.cancel(first, serviceID: "twins")
        try await apiml.cancel(second, serviceID: "twins")
        let gone = try await apiml.waitFor("/twins/api/v1/x", status: 404)
        #expect(gone.status == 404 && gone.message?.number == "ZWEAM104E", "\(gone)")
    }

    @Test("An instance that dies with the request: GET, PUT and DELETE go on to the next instance; a POST is answered with the failure")
    func instanceDiesWithRequest() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let apiml = try await APIML(keystore)
        defer { apiml.stop() }
        let (first, second) = try await apiml.twoInstances("fragile")
        defer {
            first.stop()
            second.stop()
        }
        // Round robin puts "first" in front of every other request: four of each method
        // meet it twice.
        for method in ["GET", "PUT", "DELETE"] {
            for _ in 0..<4 {
                let answer = try await apiml.call("/fragile/api/v1/x?drop=first", method: method)
                #expect(answer.status == 200 && answer.json["service"] as? String == "second", "\(method): \(answer)")
            }
        }
        var failed = 0
        for _ in 0..<4 {
            let answer = try await apiml.call("/fragile/api/v1/x?drop=first", method: "POST")
            if answer.status == 500 { failed += 1 } else { #expect(answer.json["service"] as? String == "second", "\(answer)") }
        }
        #expect(failed == 2, "a POST that reached a dying instance is not sent again: \(failed) of 4 failed")
    }

    @Test("Pipelined requests are answered in order on one connection; a request that cannot be parsed gets 400 and the connection closes")
    func pipeliningAndMalformed() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let apiml = try await APIML(keystore)
        defer { apiml.stop() }
        let certificate = try await ServiceCertificate.make(.localCA(san: "DNS:localhost,IP:127.0.0.1"), keystore: keystore)
        let echo = try await TestService(name: "echo", certificate: certificate, keystore: keystore)
        defer { echo.stop() }
        try await apiml.register(echo, serviceID: "echo")
        _ = try await apiml.waitFor("/echo/api/v1/ready", status: 200)

        // Four requests in one TLS write (a proxied one, a slow one, the gateway's own, a POST
        // with a body), then a fifth after the answers: each answer in order, on one connection.
        let script = """
        import json, socket, ssl, sys
        port, ca = int(sys.argv[1]), sys.argv[2]
        def read_answer(f):
            status = f.readline().decode()
            if not status: return None
            headers = {}
            while True:
                line = f.readline().decode().strip()
                if not line: break
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
            body = f.read(int(headers.get("content-length", "0")))
            return {"status": int(status.split()[1]), "headers": headers, "body": body.decode()}
        def path_of(answer):
            try: return json.loads(answer["body"]).get("path")
            except Exception: return None
        context = ssl.create_default_context(cafile=ca)
        with socket.create_connection(("127.0.0.1", port)) as raw, context.wrap_socket(raw, server_hostname="localhost") as s:
            def request(method, path, body=b""):
                return (f"{method} {path} HTTP/1.1\\r\\nHost: localhost\\r\\nContent-Length: {len(body)}\\r\\n\\r\\n").encode() + body
            s.sendall(request("GET", "/echo/api/v1/first") + request("GET", "/echo/api/v1/slow?sleep=0.3")
                      + request("GET", "/application/health") + request("POST", "/echo/api/v1/last", b"x" * 3000))
            f = s.makefile("rb")
            answers = [read_answer(f) for _ in range(4)]
            s.sendall(request("GET", "/echo/api/v1/again"))
            answers.append(read_answer(f))
            print(json.dumps([[a["status"], path_of(a) if a["headers"].get("content-type", "").startswith("application/json") else None] for a in answers]))
        with socket.create_connection(("127.0.0.1", port)) as raw, context.wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(b"NOT AN HTTP REQUEST\\x01\\r\\n\\r\\n")
            f = s.makefile("rb")
            bad = read_answer(f)
            rest = f.read()
            print(json.dumps([bad["status"], bad["headers"].get("connection"), len(rest)]))
        """
        let result = try await runTool("python3", ["-c", script, "\(apiml.gatewayPort)", keystore.caCertificate], timeout: .seconds(30))
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(result.status == 0 && lines.count == 2, "\(result)")
        guard lines.count == 2, let answers = jsonObject(lines[0]) as? [[Any]], let bad = jsonObject(lines[1]) as? [Any] else { return }
        #expect(answers.map { $0[0] as? Int } == [200, 200, 200, 200, 200], "\(result)")
        #expect(answers.map { $0[1] as? String } == ["/api/v1/first", "/api/v1/slow?sleep=0.3", nil, "/api/v1/last", "/api/v1/again"], "\(result)")
        #expect(bad[0] as? Int == 400 && bad[1] as? String == "close" && bad[2] as? Int == 0, "\(result)")
    }
}
