import Foundation
import NIOCore
import Testing
@testable import ZweDiscovery

/// The registry, its codecs and the registration reader, in process.
@Suite("Registry in process")
struct RegistryTests {
    static let lease = LeaseSettings(renewalIntervalSeconds: 30, durationSeconds: 90, evictionIntervalSeconds: 60)

    func instance(_ app: String, _ id: String, status: InstanceStatus = .up) -> InstanceInfo {
        var info = InstanceInfo(instanceId: id, app: app, hostName: "host", ipAddr: "10.0.0.1")
        info.status = status
        return info
    }

    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test("Registration bodies in JSON and XML read to the same instance")
    func jsonAndXMLAgree() throws {
        let json = Array(instanceJSON(app: "jobs", id: "h:jobs:1", metadata: ["a.b": "c"]).utf8)
        let xml = Array("""
            <?xml version="1.0"?><!-- a comment -->
            <instance><instanceId>h:jobs:1</instanceId><hostName>localhost</hostName><app>jobs</app>
            <ipAddr>127.0.0.1</ipAddr><status>UP</status><port enabled="false">8545</port>
            <securePort enabled='true'>8545</securePort><homePageUrl>https://localhost:8545/</homePageUrl>
            <vipAddress>jobs</vipAddress><secureVipAddress>jobs</secureVipAddress>
            <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$MyDataCenterInfo"><name>MyOwn</name></dataCenterInfo>
            <metadata><a.b><![CDATA[c]]></a.b></metadata></instance>
            """.utf8)
        let fromJSON = try Registration.decode(json, contentType: "application/json", pathApp: "JOBS", lease: Self.lease, now: 5)
        let fromXML = try Registration.decode(xml, contentType: "application/xml", pathApp: "JOBS", lease: Self.lease, now: 5)
        #expect(fromJSON == fromXML)
        #expect(fromJSON.app == "JOBS")
        #expect(fromJSON.securePort == 8545 && fromJSON.securePortEnabled && !fromJSON.portEnabled)
        #expect(fromJSON.metadata == ["a.b": "c"])
        #expect(fromJSON.lastDirtyTimestamp == 5)
    }

    @Test("Malformed bodies are refused with a reason, not a crash", arguments: [
        "", "{", #"{"instance":[1,2]}"#, "[1]", "<instance><a></instance>", "<!DOCTYPE x><instance/>",
        "10,000 [", "10,000 <a>", "\"\\ud800\"", "<i>&bogus;</i>",
    ])
    func malformed(body: String) {
        // Deep nesting is written out here, not in the test's name.
        let text = body == "10,000 [" ? String(repeating: "[", count: 10_000)
            : body == "10,000 <a>" ? String(repeating: "<a>", count: 10_000) : body
        #expect(throws: RegistrationProblem.self) {
            try Registration.decode(Array(text.utf8), contentType: nil, pathApp: "JOBS", lease: Self.lease, now: 0)
        }
    }

    @Test("JSON strings with escapes are read and written back")
    func escapes() throws {
        let node = try JSONDocument.parse(Array(#"{"k":"a\"b\\c\n\u00e9\ud83d\ude00/"}"#.utf8))
        #expect(node["k"]?.text == "a\"b\\c\né😀/")
        var out = ByteWriter()
        out.jsonString("a\"b\\c\n\u{1}é")
        #expect(String(decoding: out.bytes, as: UTF8.self) == #""a\"b\\c\n\u0001é""#)
        var xml = ByteWriter()
        xml.xmlText("<a & 'b'>\u{1}")
        #expect(String(decoding: xml.bytes, as: UTF8.self) == "&lt;a &amp; &apos;b&apos;&gt;")
    }

    @Test("Hash code counts statuses in name order; the override counts, not the reported status")
    func hashCode() throws {
        let registry = Registry(lease: Self.lease)
        registry.register(instance("A", "a1"))
        registry.register(instance("A", "a2", status: .down))
        registry.register(instance("B", "b1"))
        registry.register(instance("B", "b2", status: .starting))
        #expect(registry.overrideStatus(app: "B", id: "b1", to: .outOfService))
        let apps = try json(registry.applicationsBody(.json))["applications"] as? [String: Any]
        #expect(apps?["apps__hashcode"] as? String == "DOWN_1_OUT_OF_SERVICE_1_STARTING_1_UP_1_")
        #expect(EurekaCodec.hashCode([.up: 3]) == "UP_3_")
    }

    @Test("The registry answer is cached per version and rebuilt after a change")
    func caching() throws {
        let registry = Registry(lease: Self.lease)
        registry.register(instance("A", "a1"))
        let first = registry.applicationsBody(.json)
        let second = registry.applicationsBody(.json)
        #expect(first.readableBytesView.elementsEqual(second.readableBytesView))
        // A renewal without a status change is not a change.
        #expect(registry.renew(app: "A", id: "a1") == .renewed)
        #expect(registry.applicationsBody(.json) == first)
        registry.register(instance("A", "a2"))
        let third = try json(registry.applicationsBody(.json))
        let instances = ((third["applications"] as? [String: Any])?["application"] as? [[String: Any]])?.first?["instance"] as? [Any]
        #expect(instances?.count == 2)
    }

    @Test("Delta keeps the last change of each instance within the retention time")
    func delta() throws {
        let registry = Registry(lease: LeaseSettings(deltaRetentionSeconds: 60))
        let start = ContinuousClock.now - .seconds(120)
        registry.register(instance("A", "old"), at: start)
        registry.register(instance("A", "a1"))
        #expect(registry.overrideStatus(app: "A", id: "a1", to: .down))
        #expect(registry.cancel(app: "A", id: "old") != nil)
        let body = try json(registry.deltaBody(.json))
        let ids = instancesByID(body)
        #expect(ids["a1"]?["actionType"] as? String == "MODIFIED")
        #expect(ids["old"]?["actionType"] as? String == "DELETED")
        #expect((body["applications"] as? [String: Any])?["apps__hashcode"] as? String == "DOWN_1_")
    }

    @Test("Eviction: expired leases go, static and renewed ones stay; an instance's own duration counts")
    func eviction() {
        let registry = Registry(lease: Self.lease)
        let then = ContinuousClock.now - .seconds(100)
        registry.register(instance("A", "expired"), at: then)
        var own = instance("A", "long")
        own.durationInSecs = 600
        registry.register(own, at: then)
        var fixed = instance("S", "STATIC-h:s:1")
        fixed.isStatic = true
        registry.register(fixed, at: then)
        registry.register(instance("A", "renewed"), at: then)
        #expect(registry.renew(app: "A", id: "renewed") == .renewed)
        let evicted = registry.evictExpired()
        #expect(evicted.map(\.instanceId) == ["expired"])
        #expect(evicted.first?.actionType == .deleted)
        #expect(registry.instances().map(\.instanceId) == ["long", "renewed", "STATIC-h:s:1"])
    }

    @Test("A registration carrying older data than the registry holds does not replace it; the override stays")
    func newerDataWins() {
        let registry = Registry(lease: Self.lease)
        var newer = instance("A", "a1")
        newer.lastDirtyTimestamp = 2000
        newer.metadata = ["v": "2"]
        registry.register(newer)
        #expect(registry.overrideStatus(app: "A", id: "a1", to: .outOfService))
        var older = instance("A", "a1")
        older.lastDirtyTimestamp = 1000
        older.metadata = ["v": "1"]
        let stored = registry.register(older)
        #expect(stored.metadata == ["v": "2"])
        #expect(stored.effectiveStatus == .outOfService)
        #expect(registry.renew(app: "A", id: "a1", lastDirtyTimestamp: 3000) == .notFound)
    }

    @Test("Static definition base URLs")
    func baseURLs() {
        #expect(BaseURL("https://host/")?.port == 443)
        #expect(BaseURL("http://host")?.port == 80)
        #expect(BaseURL("https://[::1]:7553/x")?.host == "::1")
        #expect(BaseURL("https://[::1]:7553/x")?.port == 7553)
        #expect(BaseURL("HTTPS://h:1/a")?.joined("/b") == "HTTPS://h:1/a/b")
        for bad in ["ftp://h/", "https://", "https://h:0/", "https://h:x/", "https://u@h/", "h:1"] {
            #expect(BaseURL(bad) == nil, "\(bad)")
        }
    }

    @Test("Ten thousand instances serialise (time printed, not asserted)")
    func manyInstances() throws {
        let registry = Registry(lease: Self.lease)
        for number in 0..<10_000 {
            var info = instance("APP\(number % 50)", "host\(number):app:\(number)")
            info.metadata = ["apiml.routes.api-v1.gatewayUrl": "api/v1", "apiml.service.title": "Service \(number)"]
            registry.register(info)
        }
        let clock = ContinuousClock()
        var size = 0
        let first = clock.measure { size = registry.applicationsBody(.json).readableBytes }
        let cached = clock.measure { _ = registry.applicationsBody(.json) }
        registry.register(instance("APP1", "one-more"))
        let afterChange = clock.measure { _ = registry.applicationsBody(.json) }
        let xml = clock.measure { _ = registry.applicationsBody(.xml) }
        print("10,000 instances, \(size) bytes of JSON: first \(first), cached \(cached), after one change \(afterChange), XML \(xml)")
        #expect(instancesByID(try json(registry.applicationsBody(.json))).count == 10_001)
    }
}
