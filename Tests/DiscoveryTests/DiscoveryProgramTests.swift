import Foundation
import Testing
import ZweTestSupport

/// The built `zwe-component discovery` over real TLS, driven by curl and Python's http.client.
@Suite("discovery service over real TLS")
struct DiscoveryProgramTests {
    @Test("Register (JSON and XML), read in JSON and XML, renew, override status, cancel; ids with ':' sent as %3A")
    func lifecycleWithCurl() async throws {
        let discovery = try await Discovery(try await Keystore.make("EC-P256"))
        defer { discovery.stop() }

        // JSON registration; the application name in the path is lower case.
        let jsonID = "localhost:jobs:8545"
        let registered = try await discovery.curl("POST", "/eureka/apps/jobs",
                                                  body: instanceJSON(app: "jobs", id: jsonID, metadata: ["apiml.routes.api-v1.gatewayUrl": "api/v1"]))
        #expect(registered.status == 204, "\(registered)")

        // XML registration.
        let xmlID = "localhost:explorer-jes:8546"
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <instance>
              <instanceId>\(xmlID)</instanceId><hostName>localhost</hostName><app>EXPLORER-JES</app>
              <ipAddr>127.0.0.1</ipAddr><status>STARTING</status>
              <port enabled="false">8546</port><securePort enabled="true">8546</securePort>
              <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$MyDataCenterInfo"><name>MyOwn</name></dataCenterInfo>
              <leaseInfo><durationInSecs>120</durationInSecs></leaseInfo>
              <metadata><apiml.service.title>JES &amp; more</apiml.service.title></metadata>
              <vipAddress>explorer-jes</vipAddress>
            </instance>
            """
        let xmlRegistered = try await discovery.curl("POST", "/eureka/apps/explorer-jes", body: xml, contentType: "application/xml")
        #expect(xmlRegistered.status == 204, "\(xmlRegistered)")

        // The registry in JSON: Eureka's shape.
        let apps = try await discovery.curl("GET", "/eureka/apps")
        #expect(apps.status == 200, "\(apps)")
        #expect(apps.headers.lowercased().contains("content-type: application/json"), "\(apps.headers)")
        let root = try #require(try apps.json() as? [String: Any])
        let applications = try #require(root["applications"] as? [String: Any], "\(apps.body)")
        #expect(applications["versions__delta"] is String)
        #expect(applications["apps__hashcode"] as? String == "STARTING_1_UP_1_")
        let list = try #require(applications["application"] as? [[String: Any]])
        #expect(list.map { $0["name"] as? String } == ["EXPLORER-JES", "JOBS"])
        let instances = instancesByID(root)
        let jobs = try #require(instances[jsonID], "\(apps.body)")
        #expect(jobs["app"] as? String == "JOBS")
        #expect(jobs["status"] as? String == "UP")
        #expect(jobs["overriddenStatus"] as? String == "UNKNOWN")
        let securePort = try #require(jobs["securePort"] as? [String: Any])
        #expect(securePort["$"] as? Int == 8545)
        #expect(securePort["@enabled"] as? String == "true")
        #expect((jobs["port"] as? [String: Any])?["@enabled"] as? String == "false")
        #expect((jobs["metadata"] as? [String: String])?["apiml.routes.api-v1.gatewayUrl"] == "api/v1")
        let lease = try #require(jobs["leaseInfo"] as? [String: Any])
        #expect(lease["renewalIntervalInSecs"] as? Int == 30)
        #expect(lease["durationInSecs"] as? Int == 90)
        #expect((lease["registrationTimestamp"] as? Int ?? 0) > 1_600_000_000_000)
        #expect(jobs["actionType"] as? String == "ADDED")
        #expect(Int64(jobs["lastUpdatedTimestamp"] as? String ?? "") ?? 0 > 1_600_000_000_000)
        #expect(Int64(jobs["lastDirtyTimestamp"] as? String ?? "") ?? 0 > 1_600_000_000_000)
        let jes = try #require(instances[xmlID])
        #expect(jes["status"] as? String == "STARTING")
        #expect((jes["metadata"] as? [String: String])?["apiml.service.title"] == "JES & more")
        #expect((jes["leaseInfo"] as? [String: Any])?["durationInSecs"] as? Int == 120)

        // The same in XML, which is also what a client without an Accept header gets.
        for accept in ["application/xml", nil] as [String?] {
            let xmlApps = try await discovery.curl("GET", "/eureka/apps", accept: accept)
            #expect(xmlApps.status == 200)
            #expect(xmlApps.headers.lowercased().contains("content-type: application/xml"), "\(xmlApps.headers)")
            #expect(xmlApps.body.hasPrefix("<applications><versions__delta>"), "\(xmlApps.body)")
            #expect(xmlApps.body.contains("<apps__hashcode>STARTING_1_UP_1_</apps__hashcode>"))
            #expect(xmlApps.body.contains("<instanceId>\(xmlID)</instanceId>"))
            #expect(xmlApps.body.contains(#"<securePort enabled="true">8545</securePort>"#))
            #expect(xmlApps.body.contains("<overriddenstatus>UNKNOWN</overriddenstatus>"))
            #expect(xmlApps.body.contains("<apiml.service.title>JES &amp; more</apiml.service.title>"))
        }

        // One application, one instance by application (id quoted), one instance by id.
        let quoted = "localhost%3Ajobs%3A8545"
        let app = try await discovery.curl("GET", "/eureka/apps/JOBS")
        #expect(app.status == 200)
        let application = try #require((try app.json() as? [String: Any])?["application"] as? [String: Any], "\(app)")
        #expect(application["name"] as? String == "JOBS")
        #expect((application["instance"] as? [[String: Any]])?.count == 1)
        for path in ["/eureka/apps/jobs/\(quoted)", "/eureka/instances/\(quoted)"] {
            let one = try await discovery.curl("GET", path)
            #expect(one.status == 200, "\(path): \(one)")
            let instance = (try one.json() as? [String: Any])?["instance"] as? [String: Any]
            #expect(instance?["instanceId"] as? String == jsonID, "\(path): \(one.body)")
        }
        let oneXML = try await discovery.curl("GET", "/eureka/apps/JOBS/\(quoted)", accept: "application/xml")
        #expect(oneXML.body.hasPrefix("<instance><instanceId>\(jsonID)</instanceId>"), "\(oneXML.body)")
        #expect(try await discovery.curl("GET", "/eureka/apps/NOPE").status == 404)
        #expect(try await discovery.curl("GET", "/eureka/apps/JOBS/nope").status == 404)
        #expect(try await discovery.curl("GET", "/eureka/instances/nope").status == 404)

        // Renewal: 200; unknown instance 404; a client holding newer data is told 404 too.
        let renewed = try await discovery.curl("PUT", "/eureka/apps/JOBS/\(quoted)?status=UP&lastDirtyTimestamp=1")
        #expect(renewed.status == 200, "\(renewed)")
        #expect(try await discovery.curl("PUT", "/eureka/apps/JOBS/nope?status=UP").status == 404)
        let newer = "\(Int64(Date().timeIntervalSince1970 * 1000) + 60_000)"
        #expect(try await discovery.curl("PUT", "/eureka/apps/JOBS/\(quoted)?status=UP&lastDirtyTimestamp=\(newer)").status == 404)
        // A renewal reporting another status takes it over.
        #expect(try await discovery.curl("PUT", "/eureka/apps/EXPLORER-JES/localhost%3Aexplorer-jes%3A8546?status=UP").status == 200)
        let afterRenew = instancesByID(try await discovery.curl("GET", "/eureka/apps").json())
        #expect(afterRenew[xmlID]?["status"] as? String == "UP")
        #expect(afterRenew[xmlID]?["actionType"] as? String == "MODIFIED")

        // Status override and its removal.
        let overridden = try await discovery.curl("PUT", "/eureka/apps/JOBS/\(quoted)/status?value=OUT_OF_SERVICE")
        #expect(overridden.status == 200, "\(overridden)")
        var jobsNow = (try await discovery.curl("GET", "/eureka/apps/JOBS/\(quoted)").json() as? [String: Any])?["instance"] as? [String: Any]
        #expect(jobsNow?["status"] as? String == "OUT_OF_SERVICE")
        #expect(jobsNow?["overriddenStatus"] as? String == "OUT_OF_SERVICE")
        #expect(try await discovery.curl("PUT", "/eureka/apps/JOBS/\(quoted)/status?value=SIDEWAYS").status == 400)
        #expect(try await discovery.curl("PUT", "/eureka/apps/JOBS/nope/status?value=UP").status == 404)
        #expect(try await discovery.curl("DELETE", "/eureka/apps/JOBS/\(quoted)/status").status == 200)
        jobsNow = (try await discovery.curl("GET", "/eureka/apps/JOBS/\(quoted)").json() as? [String: Any])?["instance"] as? [String: Any]
        #expect(jobsNow?["status"] as? String == "UP")
        #expect(jobsNow?["overriddenStatus"] as? String == "UNKNOWN")

        // Cancel: 200, then 404; gone from the registry.
        #expect(try await discovery.curl("DELETE", "/eureka/apps/JOBS/\(quoted)").status == 200)
        #expect(try await discovery.curl("DELETE", "/eureka/apps/JOBS/\(quoted)").status == 404)
        #expect(try await discovery.curl("GET", "/eureka/apps/JOBS/\(quoted)").status == 404)
        let left = instancesByID(try await discovery.curl("GET", "/eureka/apps").json())
        #expect(Array(left.keys) == [xmlID])

        #expect(discovery.running.stdout.contains("ZWEL1700I discovery: registered instance JOBS/\(jsonID) with status UP"),
                "\(discovery.running.output)")
        #expect(discovery.running.stdout.contains("ZWEL1701I discovery: cancelled instance JOBS/\(jsonID)"))
    }

    @Test("Eureka's 400 texts for registrations it refuses")
    func registrationErrors() async throws {
        let discovery = try await Discovery(try await Keystore.make("EC-P256"))
        defer { discovery.stop() }
        let cases: [(String, String, String)] = [
            ("JOBS", #"{"instance":{"app":"JOBS","ipAddr":"127.0.0.1"}}"#, "Missing instanceId"),
            ("JOBS", #"{"instance":{"instanceId":"a:jobs:1","app":"JOBS","ipAddr":"127.0.0.1"}}"#, "Missing hostname"),
            ("JOBS", #"{"instance":{"instanceId":"a:jobs:1","hostName":"a","app":"JOBS"}}"#, "Missing ip address"),
            ("JOBS", #"{"instance":{"instanceId":"a:jobs:1","hostName":"a","ipAddr":"127.0.0.1"}}"#, "Missing appName"),
            ("jobs", instanceJSON(app: "gateway", id: "a:gateway:1"), "Mismatched appName, expecting JOBS but was GATEWAY"),
            ("JOBS", "<instance><instanceId>x</instanceId><app>JOBS</app><ipAddr>1.2.3.4</ipAddr></instance>", "Missing hostname"),
        ]
        for (app, body, text) in cases {
            let answer = try await discovery.curl("POST", "/eureka/apps/\(app)", body: body,
                                                  contentType: body.hasPrefix("<") ? "application/xml" : "application/json")
            #expect(answer.status == 400, "\(text): \(answer)")
            #expect(answer.body == text, "\(answer)")
        }
        let malformed = try await discovery.curl("POST", "/eureka/apps/JOBS", body: #"{"instance":{"#)
        #expect(malformed.status == 400)
        #expect(malformed.body.hasPrefix("Malformed instance"), "\(malformed)")
        #expect(instancesByID(try await discovery.curl("GET", "/eureka/apps").json()).isEmpty)
    }

    @Test("Delta and hash code: ADDED, MODIFIED and DELETED with versions__delta and UP_n_ counts")
    func deltaAndHashCode() async throws {
        let discovery = try await Discovery(try await Keystore.make("EC-P256"))
        defer { discovery.stop() }
        func applications(_ path: String) async throws -> [String: Any] {
            let answer = try await discovery.curl("GET", path)
            return try #require((try answer.json() as? [String: Any])?["applications"] as? [String: Any], "\(answer)")
        }
        let empty = try await applications("/eureka/apps")
        #expect(empty["apps__hashcode"] as? String == "")
        #expect((empty["application"] as? [Any])?.isEmpty == true)
        let version0 = Int(empty["versions__delta"] as? String ?? "") ?? -1

        for number in 1...3 {
            let answer = try await discovery.curl("POST", "/eureka/apps/SVC\(number)",
                                                  body: instanceJSON(app: "SVC\(number)", id: "h:svc\(number):\(number)"))
            #expect(answer.status == 204, "\(answer)")
        }
        #expect(try await discovery.curl("POST", "/eureka/apps/SVC1", body: instanceJSON(app: "SVC1", id: "h:svc1:9", status: "DOWN")).status == 204)
        let full = try await applications("/eureka/apps")
        #expect(full["apps__hashcode"] as? String == "DOWN_1_UP_3_")
        let version1 = Int(full["versions__delta"] as? String ?? "") ?? -1
        #expect(version1 > version0)

        var delta = try await applications("/eureka/apps/delta")
        #expect(delta["apps__hashcode"] as? String == "DOWN_1_UP_3_")
        var changed = instancesByID(["applications": delta])
        #expect(changed.count == 4)
        #expect(changed.values.allSatisfy { $0["actionType"] as? String == "ADDED" })

        #expect(try await discovery.curl("DELETE", "/eureka/apps/SVC2/h%3Asvc2%3A2").status == 200)
        #expect(try await discovery.curl("PUT", "/eureka/apps/SVC3/h%3Asvc3%3A3/status?value=OUT_OF_SERVICE").status == 200)
        delta = try await applications("/eureka/apps/delta")
        #expect(delta["apps__hashcode"] as? String == "DOWN_1_OUT_OF_SERVICE_1_UP_1_", "\(delta)")
        #expect(Int(delta["versions__delta"] as? String ?? "") ?? -1 > version1)
        changed = instancesByID(["applications": delta])
        #expect(changed["h:svc2:2"]?["actionType"] as? String == "DELETED")
        #expect(changed["h:svc3:3"]?["actionType"] as? String == "MODIFIED")
        #expect(changed["h:svc3:3"]?["status"] as? String == "OUT_OF_SERVICE")
        #expect(changed["h:svc1:1"]?["actionType"] as? String == "ADDED")

        let deltaXML = try await discovery.curl("GET", "/eureka/apps/delta", accept: "application/xml")
        #expect(deltaXML.body.contains("<actionType>DELETED</actionType>"), "\(deltaXML.body)")
        #expect(deltaXML.body.contains("<apps__hashcode>DOWN_1_OUT_OF_SERVICE_1_UP_1_</apps__hashcode>"))
    }

    @Test("An instance that stops renewing is evicted after its lease; renewing and static ones stay")
    func eviction() async throws {
        let folder = try TemporaryPaths.makeDirectory("DiscoveryTests-static")
        try """
            services:
              - serviceId: keeper
                instanceBaseUrls: [https://keeper.example.com:1443/]
            """.write(toFile: folder + "/keeper.yml", atomically: true, encoding: .utf8)
        let discovery = try await Discovery(try await Keystore.make("EC-P256"), [
            "ZWE_DISCOVERY_LEASE_DURATION_SECONDS": "8", "ZWE_DISCOVERY_EVICTION_INTERVAL_SECONDS": "1",
            "STATIC_DEF_CONFIG_DIR": folder,
        ])
        defer { discovery.stop() }
        #expect(discovery.running.stdout.contains("leases last 8 s unless an instance says otherwise; expired ones are evicted every 1 s"))

        // Times are taken before each request is sent: on a loaded machine a curl may take seconds
        // to start, and the lease runs from when discovery handled the request.
        let quietSent = ContinuousClock.now
        #expect(try await discovery.curl("POST", "/eureka/apps/QUIET", body: instanceJSON(app: "QUIET", id: "h:quiet:1")).status == 204)
        let renewerSent = ContinuousClock.now
        #expect(try await discovery.curl("POST", "/eureka/apps/RENEWER", body: instanceJSON(app: "RENEWER", id: "h:renewer:1")).status == 204)
        // Its own lease wins over the registry's default.
        #expect(try await discovery.curl("POST", "/eureka/apps/LONG", body: instanceJSON(app: "LONG", id: "h:long:1", duration: 600)).status == 204)

        let started = ContinuousClock.now
        var gone = false
        // The test renews RENEWER itself, with curl. On a loaded machine one curl can take
        // seconds; when the gap between two renewals really exceeded the lease, eviction is
        // right and the renewer is registered again. What must never happen is an eviction
        // although the last renewal was sent less than a lease before.
        var lastRenewalSent = renewerSent
        var renewerEvicted = false
        func renew() async throws {
            let sent = ContinuousClock.now
            let renewal = try await discovery.curl("PUT", "/eureka/apps/RENEWER/h%3Arenewer%3A1").status
            if renewal == 404 {
                let gap = ContinuousClock.now - lastRenewalSent
                #expect(gap >= .seconds(8), "RENEWER evicted \(gap) after its last renewal was sent (lease 8 s)")
                renewerEvicted = true
                lastRenewalSent = ContinuousClock.now
                #expect(try await discovery.curl("POST", "/eureka/apps/RENEWER",
                                                 body: instanceJSON(app: "RENEWER", id: "h:renewer:1")).status == 204)
            } else {
                #expect(renewal == 200)
                lastRenewalSent = sent
            }
        }
        while ContinuousClock.now - started < .seconds(30) {
            try await renew()
            let ids = instancesByID(try await discovery.curl("GET", "/eureka/apps/delta").json())
            if ids["h:quiet:1"]?["actionType"] as? String == "DELETED" {
                gone = true
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(gone, "not evicted within 30 s\n\(discovery.running.output)")
        print("evicted \(ContinuousClock.now - quietSent) after registration (lease 8 s, eviction every 1 s)")
        #expect(ContinuousClock.now - quietSent >= .seconds(8))
        #expect(try await discovery.curl("GET", "/eureka/apps/QUIET/h%3Aquiet%3A1").status == 404)
        try await renew()
        if renewerEvicted { print("RENEWER's renewals were more than a lease apart on this loaded machine; it was registered again") }
        #expect(try await discovery.curl("GET", "/eureka/apps/RENEWER/h%3Arenewer%3A1").status == 200)
        #expect(try await discovery.curl("GET", "/eureka/apps/LONG/h%3Along%3A1").status == 200)
        #expect(try await discovery.curl("GET", "/eureka/apps/KEEPER/STATIC-keeper.example.com%3Akeeper%3A1443").status == 200)
        #expect(await discovery.running.waitFor("ZWEL1702W discovery: evicted instance QUIET/h:quiet:1: no renewal within its lease of 8 s") != nil,
                "\(discovery.running.output)")
    }

    @Test("STRICT and NONSTRICT: /eureka needs a client certificate of the truststore's CA, answered 403 with a body otherwise",
          arguments: [("true", "true"), ("false", "true")])
    func clientCertificates(verify: String, nonStrict: String) async throws {
        let keystore = try await Keystore.make("EC-P256")
        let foreign = try await ForeignCertificate.make()
        let discovery = try await Discovery(keystore, ["VERIFY_CERTIFICATES": verify, "NONSTRICT_VERIFY_CERTIFICATES": nonStrict])
        defer { discovery.stop() }

        let trusted = try await discovery.curl("GET", "/eureka/apps")
        #expect(trusted.status == 200, "\(trusted)")

        let without = try await discovery.curl("GET", "/eureka/apps", certificate: .none)
        #expect(without.status == 403, "\(without)")
        let missing = try #require(((try without.json() as? [String: Any])?["messages"] as? [[String: Any]])?.first, "\(without)")
        #expect(missing["messageType"] as? String == "ERROR")
        #expect(missing["messageNumber"] as? String == "ZWEL1710E")
        #expect((missing["messageContent"] as? String)?.hasPrefix("Client certificate is missing") == true, "\(missing)")

        // Another CA's certificate completes the TLS handshake (no alert) and gets a 403 with a body.
        let other = try await discovery.curl("POST", "/eureka/apps/JOBS", body: instanceJSON(app: "JOBS", id: "x:jobs:1"),
                                             certificate: .files(certificate: foreign.certificate, key: foreign.key))
        #expect(other.status == 403, "\(other)")
        let untrusted = try #require(((try other.json() as? [String: Any])?["messages"] as? [[String: Any]])?.first, "\(other)")
        #expect(untrusted["messageNumber"] as? String == "ZWEL1711E")
        let content = untrusted["messageContent"] as? String ?? ""
        #expect(content.hasPrefix("Client certificate is not trusted") && content.contains("CN=intruder"), "\(content)")
        #expect(try await discovery.curl("GET", "/eureka/apps/JOBS").status == 404, "the refused registration must not count")

        // The same with TLS 1.2, where the certificate request is part of the first handshake.
        let tls12 = ["--tlsv1.2", "--tls-max", "1.2"]
        #expect(try await discovery.curl("GET", "/eureka/apps", extra: tls12).status == 200)
        let other12 = try await discovery.curl("GET", "/eureka/apps", certificate: .files(certificate: foreign.certificate, key: foreign.key),
                                               extra: tls12)
        #expect(other12.status == 403 && other12.body.contains("ZWEL1711E"), "\(other12)")
        #expect(try await discovery.curl("GET", "/eureka/apps", certificate: .none, extra: tls12).status == 403)

        // Health needs no certificate, whichever is presented.
        for certificate in [Discovery.ClientCertificate.none, .files(certificate: foreign.certificate, key: foreign.key)] {
            let health = try await discovery.curl("GET", "/application/health", certificate: certificate)
            #expect(health.status == 200 && health.body == #"{"status":"UP"}"#, "\(health)")
        }
        #expect(discovery.running.stdout.contains("WARN ZWEL1711E"), "\(discovery.running.output)")
    }

    @Test("DISABLED: /eureka answers without a client certificate and with any")
    func disabledMode() async throws {
        let foreign = try await ForeignCertificate.make()
        let discovery = try await Discovery(try await Keystore.make("EC-P256"),
                                            ["VERIFY_CERTIFICATES": "false", "NONSTRICT_VERIFY_CERTIFICATES": "false"])
        defer { discovery.stop() }
        #expect(try await discovery.curl("GET", "/eureka/apps", certificate: .none).status == 200)
        let registered = try await discovery.curl("POST", "/eureka/apps/JOBS", body: instanceJSON(app: "JOBS", id: "x:jobs:1"),
                                                  certificate: .files(certificate: foreign.certificate, key: foreign.key))
        #expect(registered.status == 204, "\(registered)")
        #expect(try await discovery.curl("GET", "/eureka/apps/JOBS", certificate: .none).status == 200)
    }

    @Test("Static definitions become STATIC- instances; bad files are reported and skipped")
    func staticDefinitions() async throws {
        let folder = try TemporaryPaths.makeDirectory("DiscoveryTests-static")
        // The file the discovery configure step writes for z/OSMF.
        let configure = try await runTool("sh", [Programs.packageRoot + "/runtime-stub/components/discovery/bin/configure.sh"], environment: [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "STATIC_DEF_CONFIG_DIR": folder, "ZOSMF_HOST": "zosmf.example.com", "ZOSMF_PORT": "10443",
        ])
        #expect(configure.status == 0, "\(configure)")
        try """
            services:
              - serviceId: legacy
                title: Legacy API
                description: An old service
                instanceBaseUrls:
                  - http://legacy.example.com:8080/base
                  - https://legacy2.example.com/
                homePageRelativeUrl: /home
                healthCheckRelativeUrl: /health
                routes:
                  - gatewayUrl: /api/v1/
                    serviceRelativeUrl: /base/api/v1
                  - gatewayUrl: ui/v1
                    serviceRelativeUrl: /base/ui
                authentication:
                  scheme: httpBasicPassTicket
                  applid: ZOWEAPPL
                customMetadata:
                  apiml:
                    corsEnabled: true
                  plain.key: value
              - title: no id
                instanceBaseUrls: [https://x.example.com/]
              - serviceId: broken
                instanceBaseUrls: [ftp://broken.example.com/]
            """.write(toFile: folder + "/legacy.yaml", atomically: true, encoding: .utf8)
        try "services: [unclosed".write(toFile: folder + "/bad.yml", atomically: true, encoding: .utf8)
        try "other: 1".write(toFile: folder + "/noservices.yml", atomically: true, encoding: .utf8)
        try "ignored".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)

        let discovery = try await Discovery(try await Keystore.make("EC-P256"), ["STATIC_DEF_CONFIG_DIR": folder])
        defer { discovery.stop() }
        let instances = instancesByID(try await discovery.curl("GET", "/eureka/apps").json())
        #expect(instances.keys.sorted() == [
            "STATIC-legacy.example.com:legacy:8080", "STATIC-legacy2.example.com:legacy:443",
            "STATIC-zosmf.example.com:ibmzosmf:10443",
        ], "\(instances.keys)")

        let zosmf = try #require(instances["STATIC-zosmf.example.com:ibmzosmf:10443"])
        #expect(zosmf["app"] as? String == "IBMZOSMF")
        #expect(zosmf["status"] as? String == "UP")
        #expect(zosmf["hostName"] as? String == "zosmf.example.com")
        #expect((zosmf["securePort"] as? [String: Any])?["$"] as? Int == 10443)
        #expect((zosmf["securePort"] as? [String: Any])?["@enabled"] as? String == "true")
        #expect(zosmf["homePageUrl"] as? String == "https://zosmf.example.com:10443/")
        let zosmfMetadata = zosmf["metadata"] as? [String: String] ?? [:]
        #expect(zosmfMetadata["apiml.routes.0.gatewayUrl"] == "api/v1")
        #expect(zosmfMetadata["apiml.routes.0.serviceUrl"] == "/")
        #expect(zosmfMetadata["apiml.authentication.scheme"] == "zosmf")
        #expect(zosmfMetadata["apiml.enableUrlEncodedCharacters"] == "true")
        #expect(zosmfMetadata["apiml.service.title"] == "IBM z/OSMF")

        let legacy = try #require(instances["STATIC-legacy.example.com:legacy:8080"])
        #expect((legacy["port"] as? [String: Any])?["@enabled"] as? String == "true")
        #expect((legacy["securePort"] as? [String: Any])?["@enabled"] as? String == "false")
        #expect(legacy["homePageUrl"] as? String == "http://legacy.example.com:8080/base/home")
        #expect(legacy["healthCheckUrl"] as? String == "http://legacy.example.com:8080/base/health")
        let metadata = legacy["metadata"] as? [String: String] ?? [:]
        #expect(metadata["apiml.routes.0.gatewayUrl"] == "api/v1")
        #expect(metadata["apiml.routes.0.serviceUrl"] == "/base/api/v1")
        #expect(metadata["apiml.routes.1.gatewayUrl"] == "ui/v1")
        #expect(metadata["apiml.authentication.scheme"] == "httpBasicPassTicket")
        #expect(metadata["apiml.authentication.applid"] == "ZOWEAPPL")
        #expect(metadata["apiml.corsEnabled"] == "true")
        #expect(metadata["plain.key"] == "value")
        #expect(metadata["apiml.service.description"] == "An old service")

        let log = discovery.running.stdout
        #expect(log.contains("ZWEL1722E discovery: static definition file \(folder)/bad.yml is not used"), "\(log)")
        #expect(log.contains("ZWEL1722E discovery: static definition file \(folder)/noservices.yml is not used: it has no 'services' list"))
        #expect(log.contains("ZWEL1723E discovery: service 2 (line"), "\(log)")
        #expect(log.contains("it has no serviceId"))
        #expect(log.contains("'ftp://broken.example.com/' of 'broken' is not an http or https URL with a host"))
        #expect(log.contains("ZWEL1720I discovery: 3 static instances from 4 definition files in \(folder)"), "\(log)")
    }

    @Test("A missing static definitions folder is reported, not fatal; SIGTERM ends the registry with status 0")
    func missingFolderAndStop() async throws {
        let discovery = try await Discovery(try await Keystore.make("EC-P256"), ["STATIC_DEF_CONFIG_DIR": "/nonexistent/static-defs"])
        defer { discovery.stop() }
        #expect(discovery.running.stdout.contains("ZWEL1721E discovery: cannot read the static definitions folder /nonexistent/static-defs"),
                "\(discovery.running.output)")
        #expect(try await discovery.curl("POST", "/eureka/apps/JOBS", body: instanceJSON(app: "JOBS", id: "x:jobs:1")).status == 204)
        let stopping = ContinuousClock.now
        discovery.running.signal(SIGTERM)
        #expect(await discovery.running.waitForExit(timeout: .seconds(5)) == 0, "\(discovery.running.output)")
        print("discovery stopped \(ContinuousClock.now - stopping) after SIGTERM")
    }

    @Test("A lease setting that is not a number of seconds stops the start with ZWEL1501E")
    func badLeaseSetting() async throws {
        let keystore = try await Keystore.make("EC-P256")
        var environment = keystore.environment
        environment["DISCOVERY_PORT"] = "\(freePort())"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        environment["ZWE_DISCOVERY_EVICTION_INTERVAL_SECONDS"] = "soon"
        let running = try Running(Programs.component, ["discovery"], environment: environment)
        defer { running.stop() }
        #expect(await running.waitForExit(timeout: .seconds(5)) == 1)
        #expect(running.stderr.hasPrefix("ZWEL1501E discovery: ZWE_DISCOVERY_EVICTION_INTERVAL_SECONDS is 'soon'"), "\(running.output)")
    }

    @Test("Python's http.client and ssl: register, fetch, renew, override, cancel with the Zowe certificate")
    func pythonClient() async throws {
        let keystore = try await Keystore.make("RSA-2048")
        let discovery = try await Discovery(keystore)
        defer { discovery.stop() }
        let script = #"""
            import http.client, json, ssl, sys, urllib.parse
            port, ca, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
            context = ssl.create_default_context(cafile=ca)
            context.load_cert_chain(cert, key)
            connection = http.client.HTTPSConnection("localhost", port, context=context, timeout=10)
            def call(method, path, body=None, accept="application/json"):
                headers = {"Accept": accept}
                if body is not None:
                    headers["Content-Type"] = "application/json"
                    body = json.dumps(body)
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                return response.status, response.read().decode()
            iid = "py-host:pyservice:9000"
            quoted = urllib.parse.quote(iid, safe="")
            instance = {"instance": {"instanceId": iid, "hostName": "py-host", "app": "PYSERVICE", "ipAddr": "10.0.0.9",
                "status": "UP", "port": {"$": 9000, "@enabled": "true"}, "securePort": {"$": 443, "@enabled": "false"},
                "vipAddress": "pyservice", "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$MyDataCenterInfo", "name": "MyOwn"},
                "leaseInfo": {"renewalIntervalInSecs": 30, "durationInSecs": 90}, "metadata": {"apiml.service.title": "Py"}}}
            status, _ = call("POST", "/eureka/apps/pyservice", instance)
            assert status == 204, status
            status, body = call("GET", "/eureka/apps")
            assert status == 200, status
            applications = json.loads(body)["applications"]
            assert applications["apps__hashcode"] == "UP_1_", applications
            app = applications["application"][0]
            assert app["name"] == "PYSERVICE"
            found = app["instance"][0]
            assert found["instanceId"] == iid and found["port"]["$"] == 9000 and found["port"]["@enabled"] == "true", found
            assert found["metadata"]["apiml.service.title"] == "Py"
            status, _ = call("PUT", "/eureka/apps/PYSERVICE/" + quoted + "?status=UP&lastDirtyTimestamp=" + found["lastDirtyTimestamp"])
            assert status == 200, status
            status, _ = call("PUT", "/eureka/apps/PYSERVICE/" + quoted + "/status?value=OUT_OF_SERVICE")
            assert status == 200, status
            status, body = call("GET", "/eureka/instances/" + quoted)
            assert status == 200 and json.loads(body)["instance"]["status"] == "OUT_OF_SERVICE", body
            status, body = call("GET", "/eureka/apps/delta", accept="application/xml")
            assert status == 200 and "<actionType>MODIFIED</actionType>" in body, body
            status, _ = call("DELETE", "/eureka/apps/PYSERVICE/" + quoted)
            assert status == 200, status
            status, _ = call("DELETE", "/eureka/apps/PYSERVICE/" + quoted)
            assert status == 404, status
            print("python client OK")
            """#
        let result = try await runTool("python3", ["-c", script, "\(discovery.port)", keystore.caCertificate,
                                                   keystore.certificate, keystore.privateKey])
        #expect(result.status == 0, "\(result)\n\(discovery.running.output)")
        #expect(result.stdout.contains("python client OK"), "\(result)")
    }
}

/// A self-signed certificate of a CA the instance does not trust, made with openssl.
struct ForeignCertificate {
    let certificate: String
    let key: String

    static func make() async throws -> ForeignCertificate {
        let folder = try TemporaryPaths.makeDirectory("DiscoveryTests-foreign")
        let made = ForeignCertificate(certificate: folder + "/intruder.cer", key: folder + "/intruder.key")
        let result = try await runTool("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-subj", "/CN=intruder", "-addext", "extendedKeyUsage=clientAuth,serverAuth",
            "-keyout", made.key, "-out", made.certificate,
        ])
        guard result.status == 0 else { throw TestFailure("openssl req -x509 failed\n\(result)") }
        return made
    }
}
