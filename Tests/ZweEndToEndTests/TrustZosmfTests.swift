import Foundation
import ZweTestSupport
import Testing

/// trust-zosmf (`zwe init certificate` with ZOWE_ZOSMF_HOST/ZOWE_ZOSMF_PORT) against
/// `openssl s_server` standing in for z/OSMF on a free loopback port, with certificates made here
/// by openssl. Stores are read with keytool and openssl, the password passed through the environment.
@Suite("trust-zosmf: the setup fetches z/OSMF's chain")
struct TrustZosmfTests {
    @Test("STRICT: the chain z/OSMF presents is fetched and trusted as zosmf00, zosmf01")
    func setupFetchesChain() throws {
        let scratch = TemporaryDirectory()
        let ca = try makeCertificate(scratch, "ca", subject: "/CN=Stand-in zOSMF CA/O=Example", extensions: ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"])
        let leaf = try makeCertificate(scratch, "leaf", subject: "/CN=localhost/O=Example", extensions: ["subjectAltName=DNS:localhost,IP:127.0.0.1", "basicConstraints=CA:FALSE"], issuer: ca)
        let zosmf = try StandInZosmf(leaf, chain: ca.certificate)
        defer { zosmf.stop() }

        let keystore = scratch.path + "/keystore"
        let file = setupFile(in: scratch, [
            ("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256"),
            ("ZOWE_ZOSMF_HOST", "localhost"), ("ZOWE_ZOSMF_PORT", "\(zosmf.port)"),
        ])
        let setup = try Harness.zwe(["init", "certificate", "-p", file])
        #expect(setup.status == 0, "\(setup)")
        #expect(setup.stdout.contains("ZWEL1950I") && setup.stdout.contains("localhost:\(zosmf.port)") && setup.stdout.contains("STRICT"), "\(setup)")
        // Each trusted certificate is logged with its subject and SHA-256 fingerprint, as openssl prints it.
        #expect(setup.stdout.contains("ZWEL1951I Trusted zosmf00: 'O=Example, CN=localhost' (SHA-256 \(try fingerprint(leaf.certificate)))"), "\(setup.stdout)")
        #expect(setup.stdout.contains("ZWEL1951I Trusted zosmf01: 'O=Example, CN=Stand-in zOSMF CA' (SHA-256 \(try fingerprint(ca.certificate)))"), "\(setup.stdout)")

        let list = try keytoolList(keystore)
        #expect(list.stdout.contains("contains 3 entries"), "\(list)")
        #expect(list.stdout.contains("Alias name: zosmf00") && list.stdout.contains("Alias name: zosmf01"), "\(list)")
        #expect(list.stdout.contains("Owner: O=Example, CN=localhost") && list.stdout.contains("Owner: O=Example, CN=Stand-in zOSMF CA"), "\(list)")
        #expect(list.stdout.components(separatedBy: "Entry type: trustedCertEntry").count == 4, "\(list)")
        let info = try Harness.run("openssl", ["pkcs12", "-in", keystore + "/localhost/localhost.truststore.p12", "-passin", "env:PW", "-nokeys"], environment: Harness.baseEnvironment(["PW": "password"]))
        #expect(info.status == 0 && info.stdout.contains("friendlyName: zosmf00") && info.stdout.contains("friendlyName: zosmf01"), "\(info)")

        // An address matches the certificate's IP entry in STRICT mode too.
        let byAddress = setupFile(in: scratch, name: "address.env", [
            ("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256"),
            ("ZOWE_ZOSMF_HOST", "127.0.0.1"), ("ZOWE_ZOSMF_PORT", "\(zosmf.port)"),
        ])
        let again = try Harness.zwe(["init", "certificate", "-p", byAddress])
        #expect(again.status == 0, "\(again)")
        #expect(try keytoolList(keystore).stdout.contains("Alias name: zosmf00"))
    }

    @Test("STRICT: a certificate for another host is refused with the NONSTRICT way out, and nothing is written")
    func strictWrongHost() throws {
        let scratch = TemporaryDirectory()
        let zosmf = try StandInZosmf(try makeCertificate(scratch, "wrong", subject: "/CN=wrong.example", extensions: ["subjectAltName=DNS:wrong.example"]))
        defer { zosmf.stop() }
        let keystore = scratch.path + "/keystore"
        #expect(try Harness.zwe(["init", "certificate", "-p", setupFile(in: scratch, name: "first.env", [("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256")])]).status == 0)
        let before = treeFingerprint(keystore)

        let file = setupFile(in: scratch, [
            ("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256"),
            ("ZOWE_ZOSMF_HOST", "localhost"), ("ZOWE_ZOSMF_PORT", "\(zosmf.port)"),
        ])
        let result = try Harness.zwe(["init", "certificate", "-p", file])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("ZWEL1955E The certificate z/OSMF presents at localhost:\(zosmf.port) is not valid for localhost: it names DNS:wrong.example"), "\(result)")
        #expect(result.stderr.contains("VERIFY_CERTIFICATES=false") && result.stderr.contains("NONSTRICT_VERIFY_CERTIFICATES=true"), "\(result)")
        #expect(treeFingerprint(keystore) == before, "a refused setup must leave the previous set")
    }

    @Test("NONSTRICT: a certificate for another host is trusted without the host check")
    func nonStrictWrongHost() throws {
        let scratch = TemporaryDirectory()
        let wrong = try makeCertificate(scratch, "wrong", subject: "/CN=wrong.example", extensions: ["subjectAltName=DNS:wrong.example"])
        let zosmf = try StandInZosmf(wrong)
        defer { zosmf.stop() }
        let keystore = scratch.path + "/keystore"
        let file = setupFile(in: scratch, [
            ("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256"),
            ("VERIFY_CERTIFICATES", "false"), ("NONSTRICT_VERIFY_CERTIFICATES", "true"),
            ("ZOWE_ZOSMF_HOST", "localhost"), ("ZOWE_ZOSMF_PORT", "\(zosmf.port)"),
        ])
        let result = try Harness.zwe(["init", "certificate", "-p", file])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("NONSTRICT") && result.stdout.contains("ZWEL1951I Trusted zosmf00: 'CN=wrong.example'"), "\(result)")
        let list = try keytoolList(keystore)
        #expect(list.stdout.contains("contains 2 entries") && list.stdout.contains("Alias name: zosmf00") && list.stdout.contains("Owner: CN=wrong.example"), "\(list)")
    }

    @Test("DISABLED: z/OSMF is not contacted and nothing is trusted")
    func disabledFetchesNothing() throws {
        let scratch = TemporaryDirectory()
        let keystore = scratch.path + "/keystore"
        // Nobody listens on the port: a connection attempt would fail the setup.
        let file = setupFile(in: scratch, [
            ("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256"),
            ("VERIFY_CERTIFICATES", "false"), ("NONSTRICT_VERIFY_CERTIFICATES", "false"),
            ("ZOWE_ZOSMF_HOST", "127.0.0.1"), ("ZOWE_ZOSMF_PORT", "\(freePort())"),
        ])
        let result = try Harness.zwe(["init", "certificate", "-p", file])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("ZWEL1952I") && !result.stdout.contains("ZWEL1950I"), "\(result)")
        #expect(try keytoolList(keystore).stdout.contains("contains 1 entry"))
    }

    @Test("Refused, and not TLS: a clear error, exit 1, nothing written")
    func setupUnreachable() throws {
        let scratch = TemporaryDirectory()
        let keystore = scratch.path + "/keystore"
        let refused = setupFile(in: scratch, name: "refused.env", [
            ("KEYSTORE_DIRECTORY", keystore), ("ZOWE_ZOSMF_HOST", "127.0.0.1"), ("ZOWE_ZOSMF_PORT", "\(freePort())"),
        ])
        let result = try Harness.zwe(["init", "certificate", "-p", refused])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("ZWEL1953E z/OSMF at 127.0.0.1:") && result.stderr.contains("Connection refused"), "\(result)")
        #expect(result.stderr.contains("fix:") && result.stderr.contains("ZOSMF_CERTIFICATE"))
        #expect(!FileManager.default.fileExists(atPath: keystore))

        // A server that reads the ClientHello and answers with a line of text: connected, but not TLS.
        let port = freePort()
        let plainServer = try Harness.start("python3", ["-u", "-c", Self.plainTextServer, "\(port)"], directory: scratch.path)
        defer { stop(plainServer) }
        #expect(waitUntilListening(port), "the plain-text server did not start")
        let plain = setupFile(in: scratch, name: "plain.env", [
            ("KEYSTORE_DIRECTORY", keystore), ("ZOWE_ZOSMF_HOST", "localhost"), ("ZOWE_ZOSMF_PORT", "\(port)"),
        ])
        let notTLS = try Harness.zwe(["init", "certificate", "-p", plain])
        #expect(notTLS.status == 1, "\(notTLS)")
        #expect(notTLS.stderr.contains("ZWEL1954E localhost:\(port) did not complete a TLS handshake"), "\(notTLS)")
        #expect(!FileManager.default.fileExists(atPath: keystore))
    }

    /// Accepts, reads what the client sends, answers a line of text, closes.
    static let plainTextServer = """
        import socket, sys
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", int(sys.argv[1])))
        server.listen(8)
        while True:
            connection, _ = server.accept()
            connection.settimeout(2)
            try:
                connection.recv(4096)
            except OSError:
                pass
            connection.sendall(b"220 this is not a TLS server\\r\\n")
            connection.close()
        """
}

// MARK: Helpers

extension Dictionary where Key == String, Value == Any {
    /// A text field of a finding, "" when absent.
    func text(_ key: String) -> String { self[key] as? String ?? "" }
}

/// A certificate and its key, made by openssl.
struct MadeCertificate {
    let certificate: String
    let key: String
}

/// A P-256 certificate: self-signed, or signed by `issuer`. Valid a year, so that no expiry
/// warning mixes into the findings.
func makeCertificate(_ scratch: TemporaryDirectory, _ name: String, subject: String, extensions: [String], issuer: MadeCertificate? = nil) throws -> MadeCertificate {
    let certificate = scratch.path + "/\(name).cer"
    let key = scratch.path + "/\(name).key"
    func openssl(_ arguments: [String]) throws {
        let result = try Harness.run("openssl", arguments, directory: scratch.path)
        #expect(result.status == 0, "openssl \(arguments): \(result)")
    }
    if let issuer {
        try openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", "\(name).csr", "-subj", subject])
        let extensionFile = scratch.write("\(name).ext", extensions.joined(separator: "\n") + "\n")
        try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", issuer.certificate, "-CAkey", issuer.key, "-CAcreateserial", "-days", "365", "-extfile", extensionFile, "-out", certificate])
    } else {
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", certificate, "-days", "365", "-subj", subject]
                    + extensions.flatMap { ["-addext", $0] })
    }
    return MadeCertificate(certificate: certificate, key: key)
}

/// The SHA-256 fingerprint as openssl prints it (`AB:CD:...`).
func fingerprint(_ certificate: String) throws -> String {
    let result = try Harness.run("openssl", ["x509", "-noout", "-fingerprint", "-sha256", "-in", certificate])
    return String(result.stdout.split(separator: "=", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
}

/// `keytool -list -v` of a keystore directory's truststore, password from the environment.
func keytoolList(_ keystore: String) throws -> Harness.Result {
    try Harness.run("keytool", ["-list", "-v", "-storetype", "PKCS12", "-keystore", keystore + "/localhost/localhost.truststore.p12", "-storepass:env", "PW"],
                    environment: Harness.baseEnvironment(["PW": "password"]))
}

/// `openssl s_server` as z/OSMF: TLS on 127.0.0.1 and a free port, answering GETs with its status page.
final class StandInZosmf {
    let port: Int
    private let server: Harness.Running
    private var stopped = false

    init(_ certificate: MadeCertificate, chain: String? = nil) throws {
        port = freePort()
        var arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate.certificate, "-key", certificate.key, "-www"]
        if let chain { arguments += ["-cert_chain", chain] }
        server = try Harness.start("openssl", arguments)
        // s_server says ACCEPT once it listens; probing with a connection would use one up.
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if ((try? String(contentsOfFile: server.outPath, encoding: .utf8)) ?? "").contains("ACCEPT") { return }
            if !server.process.isRunning { break }
            usleep(10_000)
        }
        stop()
        throw StandInError("openssl s_server did not start on port \(port)")
    }

    /// SIGKILL: Foundation.Process starts children with the test thread's signal mask, in which
    /// SIGTERM may be blocked.
    func stop() {
        guard !stopped else { return }
        stopped = true
        if server.process.isRunning { kill(server.process.pid, SIGKILL) }
        _ = server.finish()
    }

    deinit { stop() }
}

struct StandInError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Ends a helper process started with `Harness.start` (SIGKILL, as in `StandInZosmf.stop`).
func stop(_ running: Harness.Running) {
    if running.process.isRunning { kill(running.process.pid, SIGKILL) }
    _ = running.finish()
}

/// Waits until something accepts connections on 127.0.0.1:port (the probe uses one connection).
func waitUntilListening(_ port: Int, timeout: Duration = .seconds(10)) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        close(fd)
        if connected == 0 { return true }
        usleep(20_000)
    }
    return false
}

/// A loopback socket that listens and never accepts: the kernel completes the connection, and
/// no TLS answer ever comes, as from a hung server.
final class SilentSocket {
    let port: Int
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 8) == 0 else {
            close(fd)
            throw StandInError("cannot listen on a loopback port")
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        self.fd = fd
    }

    deinit { close(fd) }
}
