import Foundation
import Testing
import ZweTestSupport

/// The security promises of quality.md that need a whole running instance: the control
/// socket against another user, no password anywhere an operator or another user can look,
/// the permissions of what the setup and the launcher write, and the TLS versions and ciphers
/// every component refuses. (Discovery's 403s, the gateway's verify modes, tokens and env-file
/// command substitution have their tests beside their components; scripts/reliability.sh runs
/// them with these.)
@Suite("Security: control socket, passwords, permissions, TLS", .serialized)
struct SecurityTests {
    /// A password no file, line or argument would contain by chance, with the characters that
    /// break naive quoting.
    static let password = #"Zw3-Sec$ret 'pw' "q" \b"#
    static let nobody: (uid: uid_t, gid: gid_t) = {
        let user = getpwnam("nobody")
        return (user?.pointee.pw_uid ?? 65534, user?.pointee.pw_gid ?? 65534)
    }()

    /// Runs a command as `nobody` (setpriv from util-linux).
    static func asNobody(_ arguments: [String]) throws -> Harness.Result {
        try Harness.run("setpriv", ["--reuid=\(nobody.uid)", "--regid=\(nobody.gid)", "--clear-groups", "--"] + arguments)
    }

    @Test("The control socket refuses another uid: by its mode with the instance folder opened to others (0711), and by the peer check if its mode were opened too",
          .enabled(if: geteuid() == 0))
    func controlSocketOwnerOnly() throws {
        let fixture = try LauncherFixture()
        let instance = try fixture.instance("instance", components: [TestComponentSpec(id: "quiet", jobCode: "QU")])
        #expect(try fixture.zwe(["start", "-c", instance]).status == 0)
        defer { _ = try? fixture.zwe(["stop", "-c", instance]) }
        let socketPath = instance + "/workspace/launcher.sock"
        #expect(mode(socketPath) == 0o600)
        for folder in [fixture.scratch.path, instance, instance + "/workspace"] { chmod(folder, 0o711) }

        let connect = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect(sys.argv[1])
            except OSError as error:
                print("refused", error.errno); sys.exit(3)
            try:
                s.sendall(b'{"command":"stop"}\\n')
                answer = s.recv(4096)
            except OSError:  # reset or broken pipe: closed without an answer
                answer = b''
            print("answer", repr(answer)); sys.exit(0)
            """
        // Debian's own interpreter: the one on PATH may live under root's home.
        let byMode = try Self.asNobody(["/usr/bin/python3", "-c", connect, socketPath])
        #expect(byMode.status == 3 && byMode.stdout.contains("refused \(EACCES)"), "\(byMode)")
        for command in ["stop", "status"] {
            let began = Date()
            let cli = try Self.asNobody([Harness.zwe, command, "-c", instance])
            #expect(cli.status == 1 && cli.stderr.contains("ZWEL1615E"), "zwe \(command) as nobody: \(cli)")
            #expect(Date().timeIntervalSince(began) < 10, "zwe \(command) as nobody took \(Date().timeIntervalSince(began)) s")
        }
        #expect(try fixture.component("quiet", of: instance)?["state"] as? String == "READY")

        // With the socket opened to everyone, the launcher still refuses the connection by the
        // peer's uid, says so in its log, and does not stop.
        chmod(socketPath, 0o666)
        let byPeer = try Self.asNobody(["/usr/bin/python3", "-c", connect, socketPath])
        #expect(byPeer.stdout.contains("answer b''"), "\(byPeer)")
        #expect(fixture.launcherLog(instance).contains("ZWEL1614W refused a control connection from uid \(Self.nobody.uid)"), "\(fixture.launcherLog(instance))")
        #expect(try fixture.component("quiet", of: instance)?["state"] as? String == "READY")
        chmod(socketPath, 0o600)
    }

    @Test("No password in a log, a process argument, an env snapshot, status output or an error message, over a whole start-stop cycle")
    func noPasswordAnywhere() throws {
        let fixture = try LauncherFixture(setup: [("KEYSTORE_PASSWORD", Self.password)])
        let instance = try fixture.instance("instance")
        var seen: [(String, String)] = []
        func look(_ what: String, _ text: String) { seen.append((what, text)) }

        let started = try fixture.zwe(["start", "-c", instance])
        #expect(started.status == 0, "\(started)")
        look("zwe start", started.stdout + started.stderr)
        for arguments in [["status", "-c", instance], ["status", "-c", instance, "--json"], ["status", "--all"], ["validate", "-c", instance],
                          ["validate", "-c", instance, "--json"], ["logs", "-c", instance]] {
            let result = try fixture.zwe(arguments)
            look("zwe " + arguments.joined(separator: " "), result.stdout + result.stderr)
        }
        let processes = try Harness.run("ps", ["-eww", "-o", "pid=,args="])
        look("ps", processes.stdout)
        for pid in LauncherFixture.processes(of: instance) {
            let arguments = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
            look("/proc/\(pid)/cmdline", String(decoding: arguments.map { $0 == 0 ? 32 : $0 }, as: UTF8.self))
        }
        // An error that involves the password: a keystore opened with the wrong one.
        let wrong = #"Wr0ng-$ecret 'x'"#
        let certificatesEnv = fixture.keystore + "/zowe-certificates.env"
        let original = try String(contentsOfFile: certificatesEnv, encoding: .utf8)
        try original.replacingOccurrences(of: shellQuote(Self.password), with: shellQuote(wrong))
            .write(toFile: certificatesEnv, atomically: true, encoding: .utf8)
        #expect(try String(contentsOfFile: certificatesEnv, encoding: .utf8) != original, "the password is written shell-quoted in \(certificatesEnv)")
        let refused = try fixture.zwe(["validate", "-c", instance])
        #expect(refused.status != 0)
        look("zwe validate with a wrong password", refused.stdout + refused.stderr)
        try original.write(toFile: certificatesEnv, atomically: true, encoding: .utf8)

        let stopped = try fixture.zwe(["stop", "-c", instance])
        #expect(stopped.status == 0, "\(stopped)")
        look("zwe stop", stopped.stdout + stopped.stderr)
        // Every file the instance has: logs (rotated ones too), env snapshots, state, workspace.
        let files = FileManager.default.enumerator(atPath: instance)?.compactMap { $0 as? String } ?? []
        for file in files {
            var info = stat()
            guard lstat(instance + "/" + file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            look(file, String(decoding: FileManager.default.contents(atPath: instance + "/" + file) ?? Data(), as: UTF8.self))
        }
        let snapshots = files.filter { $0.hasPrefix(".env/") }
        #expect(!snapshots.isEmpty, "no env snapshot was written: \(files)")
        #expect(files.contains("logs/launcher.log"))

        for secret in [Self.password, wrong] {
            let leaks = seen.filter { $0.1.contains(secret) }.map(\.0)
            #expect(leaks.isEmpty, "the password appears in: \(leaks)")
        }
        Reliability.report("security", "no password in \(seen.count) outputs and files (\(snapshots.count) env snapshots)")
    }

    @Test("Nothing in the keystore directory is open to others; keys and stores are owner-only; the instance's snapshots and socket too")
    func permissions() throws {
        let fixture = try LauncherFixture(setup: [("COMPONENT_LEVEL_CERTIFICATES", "gateway")])
        let instance = try fixture.instance("instance", components: [TestComponentSpec(id: "quiet", jobCode: "QU")])
        #expect(try fixture.zwe(["start", "-c", instance]).status == 0)
        defer { _ = try? fixture.zwe(["stop", "-c", instance]) }
        var problems: [String] = []
        for file in FileManager.default.enumerator(atPath: fixture.keystore)?.compactMap({ $0 as? String }) ?? [] {
            var info = stat()
            // A link's own mode is always 777; what it points to is walked on its own.
            guard lstat(fixture.keystore + "/" + file, &info) == 0, info.st_mode & S_IFMT != S_IFLNK else { continue }
            let bits = info.st_mode & 0o777
            if bits & 0o007 != 0 { problems.append("\(file) \(String(bits, radix: 8)) is open to others") }
            let secret = file.hasSuffix(".p12") || file.hasSuffix(".key") || file.hasSuffix(".pem") || file.hasSuffix(".env")
            if secret && info.st_mode & S_IFMT == S_IFREG && bits & 0o077 != 0 { problems.append("\(file) \(String(bits, radix: 8)) is not owner-only") }
        }
        for file in FileManager.default.enumerator(atPath: instance + "/.env")?.compactMap({ $0 as? String }) ?? [] {
            let bits = mode(instance + "/.env/" + file)
            if bits & 0o077 != 0 { problems.append(".env/\(file) \(String(bits, radix: 8)) is not owner-only") }
        }
        if mode(instance + "/workspace/launcher.sock") != 0o600 { problems.append("launcher.sock is not 0600") }
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("Every component refuses TLS 1.0 and 1.1 and 3DES, RC4 and NULL suites, and serves TLS 1.2 and 1.3; the same probes succeed against a permissive server, so they can fail")
    func tlsVersionsAndCiphers() throws {
        // RSA: the weak suites offered use RSA key exchange or ECDHE_RSA, which an EC key could
        // never agree to, whatever the server allows.
        let fixture = try LauncherFixture(setup: [("KEY_ALGORITHM", "RSA-2048")])
        let instance = try fixture.instance("instance")
        #expect(try fixture.zwe(["start", "-c", instance]).status == 0)
        defer { _ = try? fixture.zwe(["stop", "-c", instance]) }
        let ca = fixture.keystore + "/local_ca/localca.cer"
        // Old versions through openssl, which can still offer them at security level 0.
        let versions: [(name: String, options: [String])] = [
            ("TLS 1.0", ["-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"]),
            ("TLS 1.1", ["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"]),
        ]
        // Weak suites through a hand-built ClientHello (Tests/Fixtures/tls-hello-probe.py):
        // Debian's OpenSSL cannot offer 3DES or RC4 at all.
        let suites: [(name: String, codes: [String])] = [
            ("3DES", ["000a", "c012", "c008"]),
            ("RC4", ["0005", "c011", "c007"]),
            ("NULL", ["0002", "003b", "c010", "c006"]),
        ]
        let strong = ["c02f", "c02b"]
        func handshake(_ port: Int, _ options: [String]) throws -> Harness.Result {
            try Harness.run("openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", ca, "-servername", "localhost"] + options)
        }
        func hello(_ port: Int, _ codes: [String]) throws -> Harness.Result {
            try Harness.run("python3", [Programs.packageRoot + "/Tests/Fixtures/tls-hello-probe.py", "127.0.0.1", "\(port)", "0303"] + codes)
        }
        func negotiated(_ result: Harness.Result) -> Bool {
            result.stdout.contains("Cipher is ") && !result.stdout.contains("Cipher is (NONE)")
        }
        var refusals = 0
        let components = try fixture.components(instance)
        for component in components {
            let id = component["id"] as? String ?? "?"
            let port = try #require(component["port"] as? Int, "\(component)")
            for probe in versions {
                let result = try handshake(port, probe.options)
                #expect(result.status != 0 && !negotiated(result), "\(id) accepted \(probe.name): \(result)")
                refusals += negotiated(result) ? 0 : 1
            }
            for probe in suites {
                let result = try hello(port, probe.codes)
                #expect(result.status == 1 && result.stdout.hasPrefix("refused"), "\(id) accepted \(probe.name): \(result)")
                refusals += result.stdout.hasPrefix("refused") ? 1 : 0
            }
            let good = try hello(port, strong)
            #expect(good.stdout.hasPrefix("accepted 0303 c02f"), "\(id) refused ECDHE-RSA-AES128-GCM-SHA256: \(good)")
            for (option, name) in [("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")] {
                let result = try handshake(port, [option])
                #expect(result.status == 0 && result.stdout.contains(name), "\(id) refused \(name): \(result)")
            }
        }

        // The control: a server that allows all of it accepts the same probes (3DES and RC4
        // aside, which Debian's OpenSSL has not got), so a refusal above is the component's.
        let port = freePort()
        let permissive = try Harness.start("openssl", [
            "s_server", "-accept", "127.0.0.1:\(port)", "-cert", fixture.keystore + "/localhost/localhost.keystore.cer",
            "-key", fixture.keystore + "/localhost/localhost.keystore.key", "-cipher", "ALL:eNULL:@SECLEVEL=0", "-www",
        ])
        defer { permissive.stop() }
        // s_server says ACCEPT once it listens (-www: it does not read its closed input).
        let listening = Date().addingTimeInterval(10)
        while Date() < listening, !((try? String(contentsOfFile: permissive.outPath, encoding: .utf8)) ?? "").contains("ACCEPT") {
            usleep(10_000)
        }
        var controls: [String] = []
        for probe in versions {
            let result = try handshake(port, probe.options)
            #expect(negotiated(result), "the control server did not negotiate \(probe.name): \(result)")
            if negotiated(result) { controls.append(probe.name) }
        }
        let null = try hello(port, suites[2].codes)
        #expect(null.stdout.hasPrefix("accepted"), "the control server did not accept NULL: \(null)")
        if null.stdout.hasPrefix("accepted") { controls.append("NULL") }
        Reliability.report("security", "TLS: \(refusals) refused handshakes across \(components.count) components (TLS 1.0, 1.1, 3DES, RC4, NULL each); a permissive server accepted \(controls.joined(separator: ", "))")
    }
}
