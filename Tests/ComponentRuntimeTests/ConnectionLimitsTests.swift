import Testing
import ZweComponentRuntime
import ZweMessages

@Suite("Connection limits from the environment")
struct ConnectionLimitsTests {
    @Test("Defaults follow nginx; values are read per family")
    func defaultsAndValues() throws {
        let defaults = try ConnectionLimits.read(prefix: "ZWE_COMPONENT", component: "jobs-api", defaultMaxBodyBytes: 1000, environment: [:])
        #expect(defaults == ConnectionLimits(prefix: "ZWE_COMPONENT", maxBodyBytes: 1000))
        #expect(defaults.headerTimeout == .seconds(60) && defaults.keepAliveTimeout == .seconds(75) && defaults.handshakeTimeout == .seconds(30))
        #expect(defaults.maxHeaderBytes == 32768 && defaults.maxHeaderLineBytes == 8192 && defaults.maxConnections == 4096)
        let set = try ConnectionLimits.read(prefix: "ZWE_GATEWAY", component: "gateway", defaultMaxBodyBytes: 1000, environment: [
            "ZWE_GATEWAY_HEADER_TIMEOUT": "2.5", "ZWE_GATEWAY_MAX_CONNECTIONS": "10", "ZWE_GATEWAY_MAX_HEADER_BYTES": "2048",
            "ZWE_COMPONENT_HEADER_TIMEOUT": "9",
        ])
        #expect(set.headerTimeout == .milliseconds(2500) && set.maxConnections == 10)
        // A line cannot be longer than the whole head.
        #expect(set.maxHeaderBytes == 2048 && set.maxHeaderLineBytes == 2048)
    }

    @Test("A bad value stops the component with ZWEL1501E naming the variable and what it must be",
          arguments: [("ZWE_COMPONENT_HEADER_TIMEOUT", "soon"), ("ZWE_COMPONENT_KEEPALIVE_TIMEOUT", "0"),
                      ("ZWE_COMPONENT_MAX_CONNECTIONS", "1.5"), ("ZWE_COMPONENT_MAX_HEADER_BYTES", "10"),
                      ("ZWE_COMPONENT_MAX_BODY_BYTES", "-1")])
    func badValue(name: String, value: String) {
        do {
            _ = try ConnectionLimits.read(prefix: "ZWE_COMPONENT", component: "jobs-api", defaultMaxBodyBytes: 1000, environment: [name: value])
            Issue.record("\(name)=\(value) was accepted")
        } catch {
            #expect(error.id == "ZWEL1501E" && error.message.contains(name) && error.message.contains("'\(value)'"), "\(error.message)")
            #expect(error.fix.contains("instance.env"), "\(error.fix)")
        }
    }
}
