import Foundation
import Testing
import ZweConfiguration
import ZweKeyMaterial
import ZweTestSupport

// One password for validation, the launcher and every component: ZWE_KEYSTORE_PASSWORD over
// KEYSTORE_PASSWORD of zowe-certificates.env, decided in one place, so that `zwe validate`
// cannot pass with a password the components then do not get.
@Suite("the keystore password's source")
struct KeystorePasswordTests {
    @Test("With a wrong KEYSTORE_PASSWORD in the file, validate and start refuse; with ZWE_KEYSTORE_PASSWORD both pass and every component opens its stores with it, without a copy of the override")
    func overrideReachesComponents() throws {
        let fixture = try LauncherFixture()
        let instance = try fixture.instance("instance")
        defer { _ = try? fixture.zwe(["stop", "-c", instance]) }
        let file = CertificateEnvironment.path(keystoreDirectory: fixture.keystore)
        let right = try CertificateEnvironment.load(keystoreDirectory: fixture.keystore).keystorePassword
        #expect(!right.isEmpty)
        var changed = try CertificateEnvironment.load(keystoreDirectory: fixture.keystore)
        changed.keystorePassword = "not-the-stores-password"
        try changed.render(header: ["A keystore directory whose file has the wrong password."]).write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)

        let refused = try fixture.zwe(["validate", "-c", instance])
        #expect(refused.status != 0 && refused.stderr.contains("ZWEL1308E"), "\(refused)")
        let notStarted = try fixture.zwe(["start", "-c", instance])
        #expect(notStarted.status != 0, "\(notStarted)")

        let override = [CertificateVariable.passwordOverride.name: right]
        let validated = try fixture.zwe(["validate", "-c", instance], extra: override)
        #expect(validated.status == 0, "\(validated)")
        let started = try fixture.zwe(["start", "-c", instance], extra: override)
        #expect(started.status == 0, "\(started)\n\(fixture.launcherLog(instance))")
        let components = try fixture.status(instance)["components"] as? [[String: Any]] ?? []
        #expect(components.count == 5)
        for component in components {
            let id = component["id"] as? String ?? "?"
            #expect(component["state"] as? String == "READY", "\(id): \(component)")
            let environ = LauncherFixture.environ(pid_t(component["pid"] as? Int ?? -1))
            #expect(environ["KEYSTORE_PASSWORD"] == right, "\(id) opens its stores with the override")
            #expect(environ["ZWE_KEYSTORE_PASSWORD"] == nil, "\(id) got a second copy of the password")
        }
        let snapshots = (try? FileManager.default.subpathsOfDirectory(atPath: instance + "/.env")) ?? []
        for path in snapshots where path.hasSuffix(".env") {
            let text = (try? String(contentsOfFile: instance + "/.env/" + path, encoding: .utf8)) ?? ""
            #expect(!text.contains(right) && !text.contains("not-the-stores-password"), "\(path) shows a password")
        }
    }
}
