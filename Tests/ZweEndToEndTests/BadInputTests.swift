import Foundation
import Testing
import ZweTestSupport

/// Every bad input of quality.md, given to `zwe start` itself: a non-zero exit, the message
/// id, nothing started, and nothing changed on disk in the instance or the keystore directory
/// (both fingerprinted before and after; the launcher's lock file, taken and released by
/// every start, excepted).
@Suite("Bad input to zwe start: a clear error, nothing started, nothing changed")
struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let id: String
        /// Breaks a fresh fixture; may return what ends a helper it started (a port holder, a z/OSMF).
        let breakIt: @Sendable (InstanceFixture) throws -> (() -> Void)?
        var testDescription: String { name }
    }

    static func extensionComponent(_ fixture: InstanceFixture, manifest: String, startScript: String?) throws -> String {
        let component = fixture.scratch.path + "/extension/vendor"
        try FileManager.default.createDirectory(atPath: component + "/bin", withIntermediateDirectories: true)
        try manifest.write(toFile: component + "/manifest.yaml", atomically: true, encoding: .utf8)
        if let startScript {
            try startScript.write(toFile: component + "/bin/start.sh", atomically: true, encoding: .utf8)
        }
        return component
    }

    /// Rewrites a line of zowe-certificates.env in place (it is a link into the current set).
    static func editCertificatesEnv(_ fixture: InstanceFixture, _ from: String, _ to: String) throws {
        let path = fixture.keystore + "/zowe-certificates.env"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard text.contains(from) else { throw TestFailure("\(from) is not in \(path)") }
        try text.replacingOccurrences(of: from, with: to).write(toFile: path, atomically: false, encoding: .utf8)
    }

    static let marker = FileManager.default.temporaryDirectory.path + "/zwe-bad-input-substitution-\(UUID().uuidString)"

    static let cases: [Case] = [
        Case(name: "missing instance.env", id: "ZWEL1400E") { fixture in
            try FileManager.default.removeItem(atPath: fixture.instanceEnv)
            return nil
        },
        Case(name: "malformed instance.env", id: "ZWEL1005E") { try $0.setInstance("GATEWAY_PORT = 7554"); return nil },
        Case(name: "$(...) in a value", id: "ZWEL1002E") { try $0.setInstance("ZOWE_PREFIX=$(touch \(marker))"); return nil },
        Case(name: "backticks in a value", id: "ZWEL1002E") { try $0.setInstance("ZOWE_PREFIX=`touch \(marker)`"); return nil },
        Case(name: "bad ROOT_DIR", id: "ZWEL1401E") { try $0.setInstance("ROOT_DIR=/nonexistent/zowe"); return nil },
        Case(name: "missing keystore directory", id: "ZWEL1404E") { fixture in
            try fixture.setInstance("KEYSTORE_DIRECTORY=\(fixture.scratch.path)/nowhere")
            return nil
        },
        Case(name: "missing zowe-certificates.env", id: "ZWEL1405E") { fixture in
            try fixture.setInstance("KEYSTORE_DIRECTORY=\(fixture.scratch.path)")
            return nil
        },
        Case(name: "wrong keystore password", id: "ZWEL1308E") { fixture in
            try editCertificatesEnv(fixture, "KEYSTORE_PASSWORD='password'", "KEYSTORE_PASSWORD='not-the-password'")
            return nil
        },
        Case(name: "unknown alias", id: "ZWEL1309E") { fixture in
            try editCertificatesEnv(fixture, "KEY_ALIAS='localhost'", "KEY_ALIAS='apiml'")
            return nil
        },
        Case(name: "expired certificate", id: "ZWEL1315E") { fixture in
            try replaceLeaf(fixture, LeafSpec(startDate: "20200101000000Z", endDate: "20210101000000Z"))
            return nil
        },
        Case(name: "not-yet-valid certificate", id: "ZWEL1316E") { fixture in
            try replaceLeaf(fixture, LeafSpec(startDate: "20400101000000Z", endDate: "20410101000000Z"))
            return nil
        },
        Case(name: "serverAuth-only EKU", id: "ZWEL1313E") { fixture in
            try replaceLeaf(fixture, LeafSpec(extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"))
            return nil
        },
        Case(name: "SAN missing the host", id: "ZWEL1318E") { try $0.setInstance("ZOWE_EXPLORER_HOST=zowe.example.test"); return nil },
        Case(name: "chain missing an intermediate", id: "ZWEL1320E") { fixture in
            try replaceLeaf(fixture, LeafSpec(viaHiddenIntermediate: true))
            return nil
        },
        Case(name: "key not matching the certificate", id: "ZWEL1312E") { fixture in
            let other = try Harness.run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                                                    "-out", fixture.keystore + "/localhost/localhost.keystore.key"])
            guard other.status == 0 else { throw TestFailure("openssl genpkey: \(other)") }
            return nil
        },
        Case(name: "port in use", id: "ZWEL1413E") { fixture in
            let port = fixture.ports["GATEWAY_PORT"]!
            let holder = try Harness.start("python3", ["-c", "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',\(port)))\ns.listen()\nprint('ready',flush=True)\ntime.sleep(120)"])
            let deadline = Date().addingTimeInterval(10)
            while (try? String(contentsOfFile: holder.outPath, encoding: .utf8))?.contains("ready") != true && Date() < deadline { usleep(10_000) }
            return { holder.stop() }
        },
        Case(name: "two components on one port", id: "ZWEL1412E") { fixture in
            try fixture.setInstance("JOBS_API_PORT=\(fixture.ports["GATEWAY_PORT"]!)")
            return nil
        },
        Case(name: "malformed manifest.yaml", id: "ZWEL1200E") { fixture in
            let component = try extensionComponent(fixture, manifest: "id: vendor\ncommands:\n  start: bin/start.sh\n  validate: [unclosed\n",
                                                   startScript: "#!/bin/sh\nexec sleep 60\n")
            try fixture.setInstance("EXTERNAL_COMPONENTS=\(component)")
            return nil
        },
        Case(name: "start script missing", id: "ZWEL1408E") { fixture in
            let component = try extensionComponent(fixture, manifest: "id: vendor\ncommands:\n  start: bin/start.sh\n", startScript: nil)
            try fixture.setInstance("EXTERNAL_COMPONENTS=\(component)")
            return nil
        },
        Case(name: "start script not executable", id: "ZWEL1408E") { fixture in
            let component = try extensionComponent(fixture, manifest: "id: vendor\ncommands:\n  start: bin/start.sh\n",
                                                   startScript: "#!/bin/sh\nexec sleep 60\n")
            chmod(component + "/bin/start.sh", 0o644)
            try fixture.setInstance("EXTERNAL_COMPONENTS=\(component)")
            return nil
        },
        Case(name: "bad liveness setting", id: "ZWEL1418E") { try $0.setInstance("ZWE_LIVENESS_FAILURE_THRESHOLD=0"); return nil },
        Case(name: "malformed ha-instances.yaml", id: "ZWEL2150E") { fixture in
            try "haInstances:\n  sysa:\n    bindAddress: sysa.example.com\n".write(toFile: fixture.instance + "/ha-instances.yaml", atomically: true, encoding: .utf8)
            return nil
        },
        Case(name: "HA instance not in ha-instances.yaml", id: "ZWEL2151E") { fixture in
            try "haInstances:\n  elsewhere:\n    hostname: localhost\n".write(toFile: fixture.instance + "/ha-instances.yaml", atomically: true, encoding: .utf8)
            return nil
        },
        Case(name: "z/OSMF untrusted", id: "ZWEL1960E") { fixture in
            let zosmf = try StandInZosmf(try makeCertificate(fixture.scratch, "zosmf", subject: "/CN=localhost/O=Stand-in",
                                                             extensions: ["subjectAltName=DNS:localhost,IP:127.0.0.1"]))
            try fixture.setInstance("ZOSMF_HOST=localhost")
            try fixture.setInstance("ZOSMF_PORT=\(zosmf.port)")
            return { zosmf.stop() }
        },
    ]

    /// The instance's and the keystore's fingerprints, the lock file left out.
    static func fingerprint(_ fixture: InstanceFixture) -> String {
        let instance = treeFingerprint(fixture.instance).split(separator: "\n").filter { !$0.contains("/workspace/launcher.lock") }
        return instance.joined(separator: "\n") + "\n--- keystore\n" + treeFingerprint(fixture.keystore)
    }

    @Test("Each bad input: exit non-zero, its message id, nothing started, nothing changed on disk", arguments: cases)
    func badInput(_ bad: Case) throws {
        let fixture = try InstanceFixture(bad.name)
        // The configure step of discovery writes the z/OSMF definition at the first start; a
        // validate first makes the folders that any start makes, so that only the start is judged.
        let clean = try fixture.validate()
        #expect(clean.status == 0, "the fixture itself is not clean: \(clean.raw)")
        let cleanUp = try bad.breakIt(fixture)
        defer { cleanUp?() }
        let before = Self.fingerprint(fixture)
        let environment = Harness.baseEnvironment(["XDG_RUNTIME_DIR": fixture.scratch.path])
        let started = try Harness.zwe(["start", "-c", fixture.instance], environment: environment)
        #expect(started.status != 0, "\(bad.name): \(started)")
        #expect((started.stdout + started.stderr).contains(bad.id), "\(bad.name): expected \(bad.id) in \(started)")
        #expect(started.stderr.contains("fix:") || started.stdout.contains("fix:"), "\(bad.name): no fix in \(started)")
        #expect(LauncherFixture.processes(of: fixture.instance).isEmpty, "\(bad.name): something started")
        #expect(!FileManager.default.fileExists(atPath: fixture.instance + "/workspace/launcher.pid"), "\(bad.name): a pid file was written")
        let after = Self.fingerprint(fixture)
        #expect(after == before, "\(bad.name): the start changed files:\n\(difference(before, after))")
        #expect(!FileManager.default.fileExists(atPath: Self.marker), "\(bad.name): a command substitution ran")
    }

    func difference(_ before: String, _ after: String) -> String {
        let old = Set(before.split(separator: "\n")), new = Set(after.split(separator: "\n"))
        return (old.subtracting(new).map { "- \($0)" } + new.subtracting(old).map { "+ \($0)" }).sorted().joined(separator: "\n")
    }
}
