import Foundation
import Testing
import ZweTestSupport
@testable import ZweDiscovery

/// Two discovery services on loopback that list each other in ZWE_DISCOVERY_SERVICES_LIST:
/// what a client does at one reaches the other; what was replicated is not sent back.
@Suite("discovery replication between peers")
struct ReplicationTests {
    static func peers(_ keystore: Keystore) async throws -> (Discovery, Discovery, [String: String]) {
        let first = freePort(), second = freePort()
        let list = "https://127.0.0.1:\(first)/eureka/,https://127.0.0.1:\(second)/eureka/"
        let environment = ["ZWE_DISCOVERY_SERVICES_LIST": list, "ZOWE_EXPLORER_HOST": "127.0.0.1"]
        let one = try await Discovery(keystore, environment, port: first)
        do {
            let two = try await Discovery(keystore, environment, port: second)
            return (one, two, environment)
        } catch {
            one.stop()
            throw error
        }
    }

    /// Polls `condition` for up to `seconds`.
    static func eventually(_ seconds: Double = 5, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test("Registration, status override and its removal, and cancellation at one peer reach the other")
    func changesReachThePeer() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let (one, two, _) = try await Self.peers(keystore)
        defer { one.stop(); two.stop() }
        #expect(one.running.output.contains("ZWEL2153I"), "\(one.running.output)")
        #expect(one.running.output.contains("https://127.0.0.1:\(two.port)/eureka/"))
        #expect(!one.running.output.contains("https://127.0.0.1:\(one.port)/eureka/"), "a service does not replicate to itself")

        let id = "localhost:probe:9000"
        let registered = try await one.curl("POST", "/eureka/apps/PROBE", body: instanceJSON(app: "PROBE", id: id, port: 9000, metadata: ["apiml.service.title": "Probe"]))
        #expect(registered.status == 204, "\(registered)")
        let path = "/eureka/apps/PROBE/localhost%3Aprobe%3A9000"
        #expect(try await Self.eventually { try await two.curl("GET", path).status == 200 }, "the peer never got the registration")
        let atOne = try #require(try await one.curl("GET", path).json() as? [String: Any])["instance"] as? [String: Any]
        let atTwo = try #require(try await two.curl("GET", path).json() as? [String: Any])["instance"] as? [String: Any]
        #expect(atTwo?["lastDirtyTimestamp"] as? String == atOne?["lastDirtyTimestamp"] as? String)
        #expect((atTwo?["metadata"] as? [String: String])?["apiml.service.title"] == "Probe")

        #expect(try await one.curl("PUT", path + "/status?value=OUT_OF_SERVICE").status == 200)
        #expect(try await Self.eventually {
            (try? await two.curl("GET", path).json() as? [String: Any])?.flatMap { ($0["instance"] as? [String: Any])?["status"] as? String } == "OUT_OF_SERVICE"
        }, "the override did not reach the peer")
        #expect(try await one.curl("DELETE", path + "/status").status == 200)
        #expect(try await Self.eventually {
            (try? await two.curl("GET", path).json() as? [String: Any])?.flatMap { ($0["instance"] as? [String: Any])?["status"] as? String } == "UP"
        }, "the override's removal did not reach the peer")

        #expect(try await one.curl("DELETE", path).status == 200)
        #expect(try await Self.eventually { try await two.curl("GET", path).status == 404 }, "the cancellation did not reach the peer")
    }

    @Test("A replicated change is not sent on; a peer that started late learns an instance from its next renewal")
    func replicatedChangesStayAndLatePeersCatchUp() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let (one, two, environment) = try await Self.peers(keystore)
        defer { one.stop(); two.stop() }

        // Marked as replicated: taken, and not sent on to the peer.
        let marked = try await two.curl("POST", "/eureka/apps/MARKED", body: instanceJSON(app: "MARKED", id: "localhost:marked:9001", port: 9001),
                                        extra: ["--header", "x-netflix-discovery-replication: true"])
        #expect(marked.status == 204)
        // A change made after it goes through, so the first had its chance to go too.
        let after = try await two.curl("POST", "/eureka/apps/AFTER", body: instanceJSON(app: "AFTER", id: "localhost:after:9002", port: 9002))
        #expect(after.status == 204)
        #expect(try await Self.eventually { try await one.curl("GET", "/eureka/apps/AFTER").status == 200 })
        #expect(try await one.curl("GET", "/eureka/apps/MARKED").status == 404, "a replicated registration was sent on")

        // The second service is replaced by a new, empty one: a renewal at the first brings the
        // whole registration to it.
        two.stop()
        let fresh = try await Discovery(keystore, environment, port: two.port)
        defer { fresh.stop() }
        #expect(try await fresh.curl("GET", "/eureka/apps/AFTER").status == 404)
        #expect(try await one.curl("PUT", "/eureka/apps/AFTER/localhost%3Aafter%3A9002?status=UP").status == 200)
        #expect(try await Self.eventually { try await fresh.curl("GET", "/eureka/apps/AFTER").status == 200 }, "the renewal did not bring the registration")
    }
}

/// Which entries of ZWE_DISCOVERY_SERVICES_LIST are the service itself.
@Suite("discovery replication: the service's own entry")
struct ReplicationPeersTests {
    @Test("The own entry is left out by port and host: the instance's names, or the system's host name alone or as first label")
    func ownEntry() {
        let list = [
            "https://sysa.example.com:7553/eureka/", "https://sysb.example.com:7553/eureka/",
            "https://sysa.example.com:7600/eureka/", "https://[::1]:7553/eureka/",
        ]
        #expect(PeerReplication.peers(of: list, ownPort: 7553, ownHosts: ["sysa.example.com"])
                == ["https://sysb.example.com:7553/eureka/", "https://sysa.example.com:7600/eureka/", "https://[::1]:7553/eureka/"])
        #expect(PeerReplication.peers(of: list, ownPort: 7553, ownHosts: ["::1"]).count == 3)
        let pods = [
            "https://discovery-0.discovery-headless.zowe.svc.cluster.local:7553/eureka/",
            "https://discovery-1.discovery-headless.zowe.svc.cluster.local:7553/eureka/",
        ]
        #expect(PeerReplication.peers(of: pods, ownPort: 7553, ownHosts: ["discovery.zowe.svc.cluster.local"], hostName: "discovery-1")
                == [pods[0]])
        // A host name that is only the beginning of another's first label is not the same host.
        #expect(PeerReplication.peers(of: pods, ownPort: 7553, ownHosts: [], hostName: "discovery").count == 2)
    }
}
