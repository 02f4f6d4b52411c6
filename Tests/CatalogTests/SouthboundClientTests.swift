import Foundation
import Logging
import Testing
import ZweComponentRuntime
import ZweKeyMaterial
import ZweTestSupport

/// Certificates made with the openssl command, independent of the product's own setup: a
/// trusted CA, an unknown CA, and leaf certificates for the right and the wrong host.
struct OpenSSLCertificates: Sendable {
    static let password = "test-pass"
    let directory: String

    /// Made once per test run.
    static let shared = Task { try await make() }

    /// `<name>.p12` (key entry "localhost" with its CA), `trust.p12` (the trusted CA only).
    static func make() async throws -> OpenSSLCertificates {
        let directory = try TemporaryPaths.makeDirectory("catalog-openssl")
        func openssl(_ arguments: [String]) async throws {
            let result = try await runTool("openssl", arguments)
            guard result.status == 0 else { throw TestFailure("openssl \(arguments.joined(separator: " ")): \(result)") }
        }
        func path(_ name: String) -> String { directory + "/" + name }
        for ca in ["trusted-ca", "unknown-ca"] {
            try await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                               "-keyout", path("\(ca).key"), "-out", path("\(ca).pem"), "-days", "2",
                               "-subj", "/CN=Catalog test \(ca)",
                               "-addext", "basicConstraints=critical,CA:TRUE",
                               "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        }
        let leaves = [
            ("right-host", "trusted-ca", "DNS:localhost,IP:127.0.0.1"),
            ("wrong-host", "trusted-ca", "DNS:wrong.example,IP:192.0.2.1"),
            ("unknown-ca-host", "unknown-ca", "DNS:localhost,IP:127.0.0.1"),
        ]
        for (name, ca, names) in leaves {
            try "subjectAltName=\(names)\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=serverAuth,clientAuth\n"
                .write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
            try await openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                               "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", "/CN=\(name)"])
            try await openssl(["x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(ca).pem"), "-CAkey", path("\(ca).key"),
                               "-CAcreateserial", "-out", path("\(name).pem"), "-days", "2", "-extfile", path("\(name).ext")])
            try await openssl(["pkcs12", "-export", "-inkey", path("\(name).key"), "-in", path("\(name).pem"),
                               "-certfile", path("\(ca).pem"), "-name", "localhost", "-out", path("\(name).p12"),
                               "-passout", "pass:\(password)"])
        }
        try await openssl(["pkcs12", "-export", "-nokeys", "-in", path("trusted-ca.pem"), "-out", path("trust.p12"),
                           "-passout", "pass:\(password)"])
        return OpenSSLCertificates(directory: directory)
    }

    func store(_ name: String) -> String { directory + "/" + name + ".p12" }
    var truststore: String { directory + "/trust.p12" }

    /// The client's identity: the right-host certificate, trusting the trusted CA only.
    func clientIdentity() throws -> TLSIdentity {
        try TLSIdentity.load(keystore: store("right-host"), truststore: truststore, password: Self.password,
                             alias: "localhost", component: "southbound-test")
    }

    /// `openssl s_server -www` with one of the leaf certificates: a separate process, answering
    /// every GET with its status page. `requireClientCertificate` makes it insist on a client
    /// certificate from the trusted CA.
    func server(_ name: String, requireClientCertificate: Bool = false) async throws -> (Running, Int) {
        let port = freePort()
        var arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-www", "-cert", directory + "/\(name).pem",
                         "-key", directory + "/\(name).key"]
        if requireClientCertificate {
            arguments += ["-Verify", "2", "-verify_return_error", "-CAfile", directory + "/trusted-ca.pem"]
        }
        let running = try Running("/usr/bin/openssl", arguments, environment: ["PATH": "/usr/bin:/bin"])
        guard await eventually(timeout: .seconds(10), { canConnect(port) ? true : nil }) != nil else {
            running.stop()
            throw TestFailure("openssl s_server did not start on port \(port)\n\(running.output)")
        }
        return (running, port)
    }
}

extension CatalogTests {
    @Suite("SouthboundClient: verify modes, client certificate, reasons, pooling")
    struct SouthboundClientTests {
        static func client(_ mode: VerifyMode, _ identity: TLSIdentity, timeout: Duration = .seconds(10)) throws -> SouthboundClient {
            var logger = Logger(label: "southbound-test")
            logger.logLevel = .error
            return try SouthboundClient(identity: identity, mode: mode, timeout: timeout,
                                        connectTimeout: min(timeout, .seconds(5)), logger: logger)
        }

        /// The outcome of one GET in one mode: "status body", or the error.
        static func get(_ mode: VerifyMode, _ certificates: OpenSSLCertificates, port: Int,
                        host: String = "127.0.0.1") async throws -> Result<String, SouthboundError> {
            let client = try client(mode, try certificates.clientIdentity())
            do {
                let response = try await client.request("GET", "https://\(host):\(port)/hello")
                await client.shutdown()
                return .success("\(response.status) \(response.text)")
            } catch {
                await client.shutdown()
                return .failure(error)
            }
        }

        /// What `openssl s_server -www` answers: its status page.
        static func served(_ outcome: Result<String, SouthboundError>) -> Bool {
            (try? outcome.get())?.hasPrefix("200 ") == true
        }

        @Test("A certificate for another host: STRICT fails with a host name reason, NONSTRICT and DISABLED succeed")
        func wrongHostName() async throws {
            let certificates = try await OpenSSLCertificates.shared.value
            let (server, port) = try await certificates.server("wrong-host")
            defer { server.stop() }
            let strict = try await Self.get(.strict, certificates, port: port)
            if case .failure(let error) = strict {
                #expect(error.kind == .tlsHostnameMismatch, "\(error)")
                #expect(error.isTLSFailure)
                #expect(error.reason.contains("host name") && error.reason.contains("127.0.0.1"), "\(error.reason)")
            } else {
                Issue.record("STRICT accepted a certificate for wrong.example: \(strict)")
            }
            let nonStrict = try await Self.get(.nonStrict, certificates, port: port)
            #expect(Self.served(nonStrict), "\(nonStrict)")
            let disabled = try await Self.get(.disabled, certificates, port: port)
            #expect(Self.served(disabled), "\(disabled)")
        }

        @Test("A certificate from an unknown CA: STRICT and NONSTRICT fail as untrusted, DISABLED succeeds")
        func unknownCA() async throws {
            let certificates = try await OpenSSLCertificates.shared.value
            let (server, port) = try await certificates.server("unknown-ca-host")
            defer { server.stop() }
            for mode in [VerifyMode.strict, .nonStrict] {
                let outcome = try await Self.get(mode, certificates, port: port)
                if case .failure(let error) = outcome {
                    #expect(error.kind == .tlsUntrusted, "\(mode.rawValue): \(error)")
                    #expect(error.reason.contains("not trusted"), "\(error.reason)")
                } else {
                    Issue.record("\(mode.rawValue) accepted a certificate from an unknown CA: \(outcome)")
                }
            }
            let disabled = try await Self.get(.disabled, certificates, port: port)
            #expect(Self.served(disabled), "\(disabled)")
        }

        @Test("The Zowe certificate is presented as client certificate in STRICT and NONSTRICT, not in DISABLED")
        func clientCertificate() async throws {
            let certificates = try await OpenSSLCertificates.shared.value
            let (server, port) = try await certificates.server("right-host", requireClientCertificate: true)
            defer { server.stop() }
            for mode in [VerifyMode.strict, .nonStrict] {
                for host in ["127.0.0.1", "localhost"] {
                    let outcome = try await Self.get(mode, certificates, port: port, host: host)
                    #expect(Self.served(outcome), "\(mode.rawValue) \(host): \(outcome)")
                }
            }
            let disabled = try await Self.get(.disabled, certificates, port: port)
            if case .failure(let error) = disabled {
                #expect(error.kind == .tlsClientCertificateRejected || error.kind == .connectionClosed, "\(error)")
            } else {
                Issue.record("a server requiring a client certificate answered DISABLED, which sends none: \(disabled)")
            }
        }

        @Test("Connection refused and timeouts are told apart from TLS failures")
        func refusedAndTimeout() async throws {
            let certificates = try await OpenSSLCertificates.shared.value
            let refused = try await Self.get(.strict, certificates, port: freePort())
            if case .failure(let refusal) = refused {
                #expect(refusal.kind == .connectionRefused, "\(refusal)")
                #expect(refusal.reason.contains("refused"))
                #expect(!refusal.isTLSFailure)
            } else {
                Issue.record("a request to a closed port succeeded: \(refused)")
            }

            let silent = try SilentListener()
            let client = try Self.client(.strict, try certificates.clientIdentity(), timeout: .seconds(1))
            let started = ContinuousClock.now
            do {
                let response = try await client.request("GET", "https://127.0.0.1:\(silent.port)/hello")
                Issue.record("a server that never answers answered \(response.status)")
            } catch {
                #expect(error.kind == .timeout, "\(error)")
                #expect(ContinuousClock.now - started < .seconds(4), "took \(ContinuousClock.now - started)")
            }
            await client.shutdown()

            let notHTTPS = try await Self.get(.strict, certificates, port: freePort(), host: "")
            if case .failure(let error) = notHTTPS { #expect(error.kind == .invalidURL, "\(error)") } else { Issue.record("\(notHTTPS)") }
        }

        @Test("Requests to one component reuse a kept-alive connection; a body over the limit fails as such")
        func keepAlive() async throws {
            let keystore = try await Keystore.make("RSA-2048")
            let port = freePort()
            let component = try Running(Programs.component, ["jobs-api"], environment: componentEnvironment(keystore, [
                "JOBS_API_PORT": "\(port)", "ZWE_LOG_LEVEL_ZWELS": "DEBUG",
            ]))
            defer { component.stop() }
            guard await component.waitFor("jobs-api listening on https://127.0.0.1:\(port)") != nil else {
                Issue.record("jobs-api did not start\n\(component.output)")
                return
            }
            let identity = try TLSIdentity.load(
                keystore: keystore.environment["KEYSTORE"]!, truststore: keystore.environment["TRUSTSTORE"]!,
                password: keystore.environment["KEYSTORE_PASSWORD"]!, alias: keystore.environment["KEY_ALIAS"]!,
                component: "southbound-test")
            let client = try Self.client(.strict, identity)
            for _ in 0..<5 {
                do {
                    let response = try await client.request("GET", "https://localhost:\(port)/application/health")
                    #expect(response.status == 200 && response.text == #"{"status":"UP"}"#)
                    #expect(response.header("content-type") == "application/json")
                } catch {
                    Issue.record("\(error)")
                }
            }
            do {
                let response = try await client.request("GET", "https://localhost:\(port)/application/health", maxBodyBytes: 4)
                Issue.record("a body over the limit was taken: \(response.text)")
            } catch {
                #expect(error.kind == .responseTooLarge, "\(error)")
            }
            await client.shutdown()
            // The component logs each request with the client's address and port (DEBUG).
            _ = await component.waitFor("GET /application/health 200", timeout: .seconds(2))
            let clientPorts = component.stdout.split(separator: "\n")
                .filter { $0.contains("GET /application/health 200") }
                .compactMap { $0.split(separator: " ").last }
            #expect(clientPorts.count >= 5 && Set(clientPorts.prefix(5)).count == 1,
                    "client addresses of the first five requests: \(clientPorts)\n\(component.output)")
        }
    }
}
