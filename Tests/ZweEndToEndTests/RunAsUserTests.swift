import Foundation
import ZweTestSupport
import Testing

/// As root with ZOWE_USER_ID/ZOWE_GROUP_ID set, the setup gives the stores to that user and the
/// launcher runs every component as that user and group.
@Suite("Components run as ZOWE_USER_ID")
struct RunAsUserTests {
    static let user = "zwe-test-user"
    static let group = "zwe-test-group"

    @Test("Stores owned by the user, components running as it, and the instance serving", .enabled(if: geteuid() == 0))
    func runAsUser() throws {
        if getgrnam(Self.group) == nil { _ = try Harness.run("groupadd", ["-f", Self.group]) }
        if getpwnam(Self.user) == nil { _ = try Harness.run("useradd", ["-M", "-r", "-s", "/usr/sbin/nologin", "-g", Self.group, Self.user]) }
        let uid = try #require(getpwnam(Self.user)).pointee.pw_uid
        let gid = try #require(getgrnam(Self.group)).pointee.gr_gid

        let fixture = try LauncherFixture(setup: [("ZOWE_USER_ID", Self.user), ("ZOWE_GROUP_ID", Self.group)])
        // The scratch folder must let the user reach the keystore it now owns.
        chmod(fixture.scratch.path, 0o755)
        var info = stat()
        #expect(stat(fixture.keystore + "/localhost/localhost.keystore.p12", &info) == 0)
        #expect(info.st_uid == uid && info.st_gid == gid && info.st_mode & 0o777 == 0o600)

        let instance = try fixture.instance("instance", extra: ["ZOWE_USER_ID": Self.user, "ZOWE_GROUP_ID": Self.group])
        let started = try fixture.zwe(["start", "-c", instance])
        func log(_ name: String) -> String {
            "--- logs/\(name)\n" + ((try? String(contentsOfFile: instance + "/logs/" + name, encoding: .utf8)) ?? "(none)")
        }
        #expect(started.status == 0, "\(started)\n\(log("launcher.log"))\n\(log("gateway.log"))")
        for component in try fixture.status(instance)["components"] as? [[String: Any]] ?? [] {
            let pid = component["pid"] as? Int ?? -1
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            let uids = status.split(separator: "\n").first { $0.hasPrefix("Uid:") }?.split(separator: "\t").dropFirst().map(String.init) ?? []
            let gids = status.split(separator: "\n").first { $0.hasPrefix("Gid:") }?.split(separator: "\t").dropFirst().map(String.init) ?? []
            #expect(uids == Array(repeating: "\(uid)", count: 4), "\(component["id"] ?? "?"): \(uids)")
            #expect(gids == Array(repeating: "\(gid)", count: 4), "\(component["id"] ?? "?"): \(gids)")
            #expect(component["state"] as? String == "READY")
        }
        #expect(try fixture.zwe(["stop", "-c", instance]).status == 0)
    }
}
