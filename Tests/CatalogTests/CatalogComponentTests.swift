import Foundation
import Testing
import ZweTestSupport

/// The tests of the api-catalog component and of the runtime's southbound and Eureka clients.
/// One at a time: each starts servers, and the machines have two cores.
@Suite("api-catalog", .serialized)
struct CatalogTests {}

extension CatalogTests {
    /// The built `zwe-component api-catalog` against the real `zwe-component discovery`, every
    /// program a process of its own with real TLS, checked with curl and headless Chromium.
    @Suite("zwe-component api-catalog")
    struct ComponentTests {
        static let testService = "testsvc"
        static let hostileTitle = "<img src=x onerror=\"document.title='owned'\"> Test Service"

        /// Starts the catalog and waits for its "listening" line.
        static func startCatalog(_ keystore: Keystore, discovery: [String], extra: [String: String] = [:]) async throws -> (Running, Int) {
            let port = freePort()
            var environment = componentEnvironment(keystore, [
                "CATALOG_PORT": "\(port)",
                "ZWE_DISCOVERY_SERVICES_LIST": discovery.joined(separator: ","),
                "ZWE_EUREKA_RENEW_SECONDS": "1",
                "ZWE_CATALOG_CACHE_SECONDS": "0.5",
                "ZOWE_EXPLORER_HOST": "localhost",
                "ZOWE_IP_ADDRESS": "127.0.0.1",
                "ZWE_LOG_LEVEL_ZWELS": "DEBUG",
            ])
            environment.merge(extra) { _, new in new }
            let running = try Running(Programs.component, ["api-catalog"], environment: environment)
            guard await running.waitFor("api-catalog listening on https://127.0.0.1:\(port)") != nil else {
                running.stop()
                throw TestFailure("api-catalog did not start listening\n\(running.output)")
            }
            return (running, port)
        }

        /// Registers `testsvc` with the registry the way a service would, with curl and the Zowe certificate.
        static func registerTestService(_ keystore: Keystore, registryURL: String) async throws {
            let metadata: [String: String] = [
                "apiml.service.title": hostileTitle,
                "apiml.service.description": "A service registered by the test",
                "apiml.routes.api_v1.gatewayUrl": "api/v1",
                "apiml.routes.api_v1.serviceUrl": "/testsvc/api/v1",
            ]
            let instance: [String: Any] = [
                "instanceId": "localhost:testsvc:9999", "app": "TESTSVC", "hostName": "localhost", "ipAddr": "127.0.0.1",
                "vipAddress": "testsvc", "secureVipAddress": "testsvc", "status": "UP",
                "port": ["$": 9999, "@enabled": "false"], "securePort": ["$": 9999, "@enabled": "true"],
                "homePageUrl": "https://localhost:9999/", "healthCheckUrl": "https://localhost:9999/application/health",
                "statusPageUrl": "https://localhost:9999/application/health",
                "dataCenterInfo": ["@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"],
                "leaseInfo": ["renewalIntervalInSecs": 30, "durationInSecs": 90],
                "metadata": metadata,
            ]
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["instance": instance]), as: UTF8.self)
            let answer = try await curl(registryURL + "apps/TESTSVC", ca: keystore.caCertificate, extra: [
                "--cert", keystore.certificate, "--key", keystore.privateKey, "--request", "POST",
                "--header", "Content-Type: application/json", "--data", body,
            ])
            guard answer.status == 204 else { throw TestFailure("registering testsvc: \(answer.result)") }
        }

        @Test("Registers with discovery, renews, registers again after a 404, lists services as JSON and in a browser, cancels on SIGTERM")
        func lifecycle() async throws {
            let keystore = try await Keystore.make("RSA-2048")
            let discovery = try await DiscoveryProcess.start(keystore)
            defer { discovery.stop() }
            let (catalog, port) = try await Self.startCatalog(keystore, discovery: [discovery.url])
            defer { catalog.stop() }
            do {
                try await checkLifecycle(keystore: keystore, discovery: discovery, catalog: catalog, port: port)
            } catch {
                Issue.record("\(error)\n--- catalog\n\(catalog.output)\n--- discovery\n\(discovery.running.output)")
            }
        }

        private func checkLifecycle(keystore: Keystore, discovery: DiscoveryProcess, catalog: Running, port: Int) async throws {
            // Registration, with the metadata the gateway and the catalog read.
            guard let object = try await eventually({ try await discovery.instances("APICATALOG")?.first }) else {
                Issue.record("discovery never listed APICATALOG\n\(catalog.output)")
                return
            }
            let instanceID = "localhost:apicatalog:\(port)"
            #expect(object["instanceId"] as? String == instanceID)
            #expect(object["app"] as? String == "APICATALOG")
            #expect(object["hostName"] as? String == "localhost")
            #expect(object["ipAddr"] as? String == "127.0.0.1")
            #expect(object["vipAddress"] as? String == "apicatalog")
            #expect(object["secureVipAddress"] as? String == "apicatalog")
            #expect(object["status"] as? String == "UP")
            #expect(object["homePageUrl"] as? String == "https://localhost:\(port)/apicatalog")
            #expect(object["healthCheckUrl"] as? String == "https://localhost:\(port)/application/health")
            #expect((object["securePort"] as? [String: Any])?["$"] as? Int == port)
            #expect((object["securePort"] as? [String: Any])?["@enabled"] as? String == "true")
            #expect((object["port"] as? [String: Any])?["@enabled"] as? String == "false")
            #expect((object["dataCenterInfo"] as? [String: Any])?["name"] as? String == "MyOwn")
            #expect((object["leaseInfo"] as? [String: Any])?["renewalIntervalInSecs"] as? Int == 1)
            let metadata = object["metadata"] as? [String: String] ?? [:]
            #expect(metadata["apiml.routes.ui_v1.gatewayUrl"] == "ui/v1")
            #expect(metadata["apiml.routes.ui_v1.serviceUrl"] == "/apicatalog")
            #expect(metadata["apiml.routes.api_v1.gatewayUrl"] == "api/v1")
            #expect(metadata["apiml.routes.api_v1.serviceUrl"] == "/apicatalog/api/v1")
            #expect(metadata["apiml.service.title"] == "API Catalog")
            #expect(metadata["apiml.catalog.tile.id"] == "apimediationlayer")
            #expect(await catalog.waitFor("ZWEL1750I api-catalog: registered as apicatalog (instance \(instanceID)) with discovery \(discovery.url)",
                                          timeout: .seconds(5)) != nil, "\(catalog.output)")

            // Renewals every ZWE_EUREKA_RENEW_SECONDS (1 s): the catalog says so at DEBUG, the lease moves on.
            let registeredAt = (object["leaseInfo"] as? [String: Any])?["lastRenewalTimestamp"] as? Int64 ?? 0
            let renewals = await eventually(timeout: .seconds(8)) { () -> Int? in
                let count = catalog.stdout.components(separatedBy: "renewed instance \(instanceID)").count - 1
                return count >= 2 ? count : nil
            }
            #expect(renewals != nil, "fewer than 2 renewals\n\(catalog.output)")
            // Discovery answers registry reads from a cache that renewals do not refresh (as Eureka
            // does), so the lease timestamp is not compared here; the renewals' 200s are in the log.
            _ = registeredAt

            // Discovery forgets the instance (as after a restart): the renewal gets 404, the catalog registers again.
            let forgot = try await discovery.eureka("DELETE", "apps/APICATALOG/" + instanceID.replacingOccurrences(of: ":", with: "%3A"))
            #expect(forgot.status == 200, "\(forgot.result)")
            #expect(await catalog.waitFor("ZWEL1752W", timeout: .seconds(6)) != nil, "\(catalog.output)")
            let back = try await eventually(timeout: .seconds(6)) { try await discovery.instances("APICATALOG")?.first }
            #expect(back?["instanceId"] as? String == instanceID, "not registered again\n\(catalog.output)")

            // The JSON lists a service registered directly with discovery.
            try await Self.registerTestService(keystore, registryURL: discovery.url)
            let base = "https://127.0.0.1:\(port)/apicatalog/api/v1/containers"
            let listed = try await eventually(timeout: .seconds(5)) { () async throws -> [[String: Any]]? in
                let answer = try await curl(base, ca: keystore.caCertificate)
                guard answer.status == 200, let containers = jsonObject(answer.body) as? [[String: Any]] else { return nil }
                let services = containers.flatMap { $0["services"] as? [[String: Any]] ?? [] }
                return services.contains { $0["serviceId"] as? String == Self.testService } ? containers : nil
            }
            guard let containers = listed else {
                Issue.record("testsvc never showed in \(base): \(try await curl(base, ca: keystore.caCertificate).result)")
                return
            }
            let services = containers.flatMap { $0["services"] as? [[String: Any]] ?? [] }
            let test = try #require(services.first { $0["serviceId"] as? String == Self.testService })
            #expect(test["status"] as? String == "UP")
            #expect(test["title"] as? String == Self.hostileTitle)
            let routes = test["routes"] as? [[String: String]] ?? []
            #expect(routes == [["gatewayUrl": "api/v1", "serviceUrl": "/testsvc/api/v1"]])
            let instances = test["instances"] as? [[String: String]] ?? []
            #expect(instances == [["instanceId": "localhost:testsvc:9999", "status": "UP", "homePageUrl": "https://localhost:9999/"]])
            let tile = try #require(containers.first { $0["id"] as? String == "apimediationlayer" })
            #expect(tile["title"] as? String == "API Mediation Layer API")
            let catalogService = (tile["services"] as? [[String: Any]] ?? []).first
            #expect(catalogService?["serviceId"] as? String == "apicatalog")
            #expect(catalogService?["status"] as? String == "UP")
            #expect((catalogService?["routes"] as? [[String: String]])?.contains(["gatewayUrl": "ui/v1", "serviceUrl": "/apicatalog"]) == true)

            let one = try await curl(base + "/testsvc", ca: keystore.caCertificate)
            #expect(one.status == 200 && one.body.contains("localhost:testsvc:9999") && !one.body.contains("apicatalog"), "\(one.result)")
            let unknown = try await curl(base + "/nosuchservice", ca: keystore.caCertificate)
            #expect(unknown.status == 404 && unknown.body.contains("ZWEL1772E"), "\(unknown.result)")

            // The page: self-contained, locked down, and showing the services in a real browser.
            let page = try await curl("https://127.0.0.1:\(port)/apicatalog", ca: keystore.caCertificate,
                                      extra: ["--dump-header", "/dev/stderr"])
            #expect(page.status == 200)
            #expect(page.body.contains("<title>API Catalog</title>"))
            #expect(!page.body.contains("http://") && !page.body.contains("https://") && !page.body.contains("src="),
                    "the page refers to something outside itself")
            #expect(page.result.stderr.lowercased().contains("content-security-policy: default-src 'none'"), "\(page.result.stderr)")
            for path in ["/apicatalog/", "/apicatalog/ui/v1", "/apicatalog/ui/v1/", "/apicatalog/ui/v1/api/v1/containers"] {
                let other = try await curl("https://127.0.0.1:\(port)\(path)", ca: keystore.caCertificate)
                #expect(other.status == 200, "\(path): \(other.result)")
            }

            let dom = try await Chromium.dumpDOM("https://127.0.0.1:\(port)/apicatalog")
            let rows = dom.components(separatedBy: "<tr class=\"service\">").dropFirst()
            let testRow = rows.first { $0.contains(">\(Self.testService)<") }
            #expect(testRow != nil, "testsvc not in the page:\n\(dom)")
            #expect(testRow?.contains("<span class=\"status up\">UP</span>") == true, "\(testRow ?? dom)")
            #expect(testRow?.contains("localhost:testsvc:9999") == true)
            #expect(testRow?.contains("api/v1") == true && testRow?.contains("/testsvc/api/v1") == true)
            #expect(rows.contains { $0.contains(">apicatalog<") }, "apicatalog not in the page")
            // The hostile title is text, not markup.
            #expect(dom.contains("&lt;img src=x onerror=\"document.title='owned'\"&gt; Test Service"), "\(dom)")
            #expect(!dom.lowercased().contains("<img"), "the title became an element:\n\(dom)")
            #expect(dom.contains("<title>API Catalog</title>"), "a script ran from the registry's data:\n\(dom)")

            // SIGTERM: the registration is cancelled before the process exits 0.
            let stopping = ContinuousClock.now
            catalog.signal(SIGTERM)
            let status = await catalog.waitForExit(timeout: .seconds(5))
            #expect(status == 0, "\(catalog.output)")
            #expect(ContinuousClock.now - stopping < .seconds(3), "stopping took \(ContinuousClock.now - stopping)")
            #expect(try await discovery.instances("APICATALOG") == nil, "still registered after the catalog exited")
            #expect(catalog.stdout.contains("ZWEL1754I api-catalog: cancelled the registration of instance \(instanceID)"),
                    "\(catalog.output)")
            #expect(try await discovery.instances("TESTSVC") != nil)
        }

        @Test("Retries while a discovery service is down, registers with every one, reads the list from one that answers")
        func severalDiscoveryServices() async throws {
            let keystore = try await Keystore.make("RSA-2048")
            let downPort = freePort()
            let second = try await DiscoveryProcess.start(keystore)
            defer { second.stop() }
            // The default renew interval (30 s): retries back off up to 5 s.
            let (catalog, port) = try await Self.startCatalog(
                keystore, discovery: ["https://localhost:\(downPort)/eureka/", second.url],
                extra: ["ZWE_EUREKA_RENEW_SECONDS": ""])
            defer { catalog.stop() }
            var first: DiscoveryProcess?
            defer { first?.stop() }
            do {
                // One discovery service down does not hold up the other.
                let atSecond = try await eventually(timeout: .seconds(5)) { try await second.instances("APICATALOG")?.first }
                #expect(atSecond != nil, "\(catalog.output)")
                // The list comes from the one that answers.
                let answer = try await curl("https://127.0.0.1:\(port)/apicatalog/api/v1/containers", ca: keystore.caCertificate)
                #expect(answer.status == 200 && answer.body.contains("\"serviceId\":\"apicatalog\""), "\(answer.result)")

                // After 3 s of failures the retrying is logged as a warning, once.
                #expect(await catalog.waitFor("ZWEL1751W", timeout: .seconds(8)) != nil, "\(catalog.output)")
                #expect(catalog.stdout.contains("https://localhost:\(downPort)/eureka/"))
                #expect(catalog.stdout.components(separatedBy: "ZWEL1751W").count == 2, "\(catalog.output)")

                // The first one comes up: the registration follows within the backoff limit.
                first = try await DiscoveryProcess.start(keystore, port: downPort)
                let atFirst = try await eventually(timeout: .seconds(8)) { try await first!.instances("APICATALOG")?.first }
                #expect(atFirst != nil, "\(catalog.output)")

                catalog.signal(SIGTERM)
                #expect(await catalog.waitForExit(timeout: .seconds(5)) == 0, "\(catalog.output)")
                #expect(try await second.instances("APICATALOG") == nil)
                #expect(try await first!.instances("APICATALOG") == nil)
            } catch {
                Issue.record("\(error)\n\(catalog.output)")
            }
        }

        @Test("With discovery down, the JSON is a 503 with an API ML message body and the page says why")
        func discoveryDown() async throws {
            let keystore = try await Keystore.make("RSA-2048")
            let downPort = freePort()
            let (catalog, port) = try await Self.startCatalog(keystore, discovery: ["https://localhost:\(downPort)/eureka/"])
            defer { catalog.stop() }
            do {
                let answer = try await curl("https://127.0.0.1:\(port)/apicatalog/api/v1/containers", ca: keystore.caCertificate)
                #expect(answer.status == 503, "\(answer.result)")
                let body = jsonObject(answer.body) as? [String: Any]
                let message = (body?["messages"] as? [[String: Any]])?.first
                #expect(message?["messageType"] as? String == "ERROR")
                #expect(message?["messageNumber"] as? String == "ZWEL1770E")
                #expect((message?["messageContent"] as? String)?.contains("connection refused") == true, "\(answer.body)")

                let dom = try await Chromium.dumpDOM("https://127.0.0.1:\(port)/apicatalog")
                #expect(dom.contains("ZWEL1770E"), "\(dom)")

                catalog.signal(SIGTERM)
                #expect(await catalog.waitForExit(timeout: .seconds(5)) == 0, "\(catalog.output)")
                // Never registered: nothing to cancel, and nothing to warn about on the way out.
                #expect(!catalog.stdout.contains("ZWEL1755W") && !catalog.stdout.contains("ZWEL1754I"), "\(catalog.output)")
            } catch {
                Issue.record("\(error)\n\(catalog.output)")
            }
        }

        @Test("A wrong ZWE_DISCOVERY_SERVICES_LIST stops the start with a message")
        func badDiscoveryList() async throws {
            let keystore = try await Keystore.make("RSA-2048")
            let running = try Running(Programs.component, ["api-catalog"], environment: componentEnvironment(keystore, [
                "CATALOG_PORT": "\(freePort())", "ZWE_DISCOVERY_SERVICES_LIST": "http://localhost:7553/eureka/",
            ]))
            defer { running.stop() }
            #expect(await running.waitForExit(timeout: .seconds(10)) == 1)
            #expect(running.stderr.contains("ZWEL1757E api-catalog: ZWE_DISCOVERY_SERVICES_LIST holds 'http://localhost:7553/eureka/'"),
                    "\(running.output)")
        }
    }
}

/// The real discovery service, `zwe-component discovery`, as a process of its own.
struct DiscoveryProcess {
    let running: Running
    let port: Int
    let keystore: Keystore
    var url: String { "https://localhost:\(port)/eureka/" }

    static func start(_ keystore: Keystore, port: Int = freePort()) async throws -> DiscoveryProcess {
        let running = try Running(Programs.component, ["discovery"], environment: componentEnvironment(keystore, [
            "DISCOVERY_PORT": "\(port)",
        ]))
        guard await running.waitFor("discovery listening on https://127.0.0.1:\(port)") != nil else {
            running.stop()
            throw TestFailure("discovery did not start listening\n\(running.output)")
        }
        return DiscoveryProcess(running: running, port: port, keystore: keystore)
    }

    func stop() { running.stop() }

    /// A request under /eureka/ with the Zowe certificate as client certificate.
    func eureka(_ method: String, _ path: String) async throws -> (status: Int, body: String, result: ToolResult) {
        try await curl(url + path, ca: keystore.caCertificate, extra: [
            "--cert", keystore.certificate, "--key", keystore.privateKey, "--header", "Accept: application/json", "--request", method,
        ])
    }

    /// The instances of `app` as discovery answers `GET apps/{APP}` in JSON; nil on 404.
    func instances(_ app: String) async throws -> [[String: Any]]? {
        let answer = try await eureka("GET", "apps/" + app)
        if answer.status == 404 { return nil }
        guard answer.status == 200, let root = jsonObject(answer.body) as? [String: Any],
              let application = root["application"] as? [String: Any] else {
            throw TestFailure("GET apps/\(app): \(answer.result)")
        }
        if let list = application["instance"] as? [[String: Any]] { return list }
        if let one = application["instance"] as? [String: Any] { return [one] }
        return []
    }
}

/// Headless Chromium from Debian, installed on first use when missing (as root).
enum Chromium {
    static let path = "/usr/bin/chromium"

    static func ensureInstalled() async throws {
        if FileManager.default.isExecutableFile(atPath: path) { return }
        guard geteuid() == 0 else {
            throw TestFailure("\(path) is missing and the tests do not run as root: apt-get install chromium")
        }
        var install = try await runTool("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], timeout: .seconds(900))
        if install.status != 0 {
            _ = try await runTool("apt-get", ["update"], timeout: .seconds(600))
            install = try await runTool("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], timeout: .seconds(900))
        }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("apt-get install chromium failed: \(install)")
        }
    }

    /// The DOM after the page's scripts ran (5 s of virtual time).
    static func dumpDOM(_ url: String) async throws -> String {
        try await ensureInstalled()
        let profile = try TemporaryPaths.makeDirectory("catalog-chromium")
        let result = try await runTool(path, [
            "--headless", "--no-sandbox", "--ignore-certificate-errors", "--disable-gpu", "--no-first-run",
            "--user-data-dir=\(profile)", "--virtual-time-budget=5000", "--dump-dom", url,
        ], timeout: .seconds(90))
        try? FileManager.default.removeItem(atPath: profile)
        guard result.status == 0, !result.stdout.isEmpty else { throw TestFailure("chromium: \(result)") }
        return result.stdout
    }
}
