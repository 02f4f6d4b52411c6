import Foundation
import Testing
import ZweConfiguration
import ZweTestSupport

// Who asks for a client certificate, on a real instance with curl: discovery requires one on
// /eureka that chains to the truststore's certificate authorities, and z/OSMF's own
// certificate (trusted as zosmf00, to check z/OSMF) is not one of them; the gateway and the
// services behind it ask for one, refuse one from another CA in the handshake, let clients
// without one in, and the services log whose certificate called them (the gateway's).
@Suite("client certificates across an instance")
struct ClientCertificateTests {
    @Test("Discovery takes only the instance's CAs as client anchors; the gateway and the jobs API refuse a foreign CA's certificate, accept none, and the jobs API logs the gateway as its caller")
    func whoAsks() async throws {
        let topology = try TopologyFixture()
        defer { topology.stop() }
        let values = try EnvFile.load(path: topology.instance + "/instance.env", environment: [:])
        let discovery = "https://localhost:\(try #require(values["DISCOVERY_PORT"]))"
        let jobs = "https://localhost:\(try #require(values["JOBS_API_PORT"]))"
        let zowe = ["--cert", topology.launcher.keystore + "/localhost/localhost.keystore.cer",
                    "--key", topology.launcher.keystore + "/localhost/localhost.keystore.key"]

        // Discovery: the Zowe certificate passes; z/OSMF's certificate, which the truststore
        // holds as zosmf00 (a self-signed CA), is refused; none is refused.
        let registered = try topology.curl(discovery + "/eureka/apps", zowe + ["--header", "Accept: application/json"])
        #expect(registered.status == 200, "\(registered)")
        let zosmfCertificate = ["--cert", topology.zosmfData + "/zosmf.cer", "--key", topology.zosmfData + "/zosmf.key"]
        let asZOSMF = try topology.curl(discovery + "/eureka/apps", zosmfCertificate + ["--header", "Accept: application/json"])
        #expect(asZOSMF.status == 403, "z/OSMF's certificate is no client anchor: \(asZOSMF)")
        let anonymous = try topology.curl(discovery + "/eureka/apps", ["--header", "Accept: application/json"])
        #expect(anonymous.status == 403, "\(anonymous)")

        // A certificate of a CA the instance does not trust, with clientAuth.
        let scratch = topology.launcher.scratch.path
        let made = try Harness.run("/usr/bin/env", [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", scratch + "/foreign.key", "-out", scratch + "/foreign.cer", "-days", "2", "-subj", "/CN=foreign",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=digitalSignature,keyCertSign",
            "-addext", "extendedKeyUsage=clientAuth",
        ])
        #expect(made.status == 0, "\(made)")
        let foreign = ["--cert", scratch + "/foreign.cer", "--key", scratch + "/foreign.key"]
        for url in [topology.gateway + "/gateway/api/v1/auth/query", jobs + "/api/v2/jobs?owner=IBMUSER"] {
            let refused = try topology.curl(url, foreign)
            #expect(refused.status == 0, "a foreign CA's certificate ends the handshake at \(url): \(refused)")
            // Without a certificate the connection is made and the request judged on its own.
            let none = try topology.curl(url)
            #expect(none.status == 401, "\(url) without a certificate: \(none)")
            let withZowe = try topology.curl(url, zowe)
            #expect(withZowe.status == 401, "\(url) with the Zowe certificate and no credentials: \(withZowe)")
        }
        // z/OSMF's certificate is no client anchor for them either.
        let zosmfAtJobs = try topology.curl(jobs + "/api/v2/jobs?owner=IBMUSER", zosmfCertificate)
        #expect(zosmfAtJobs.status == 0, "\(zosmfAtJobs)")

        // Through the gateway, the jobs API is called with the gateway's (the Zowe) certificate
        // and says so once in its log.
        let listed = try topology.curl(topology.gateway + "/jobs/api/v2?owner=IBMUSER&prefix=*", ["--user", "IBMUSER:SYS1"])
        #expect(listed.status == 200, "\(listed)")
        let subject = try Harness.run("/usr/bin/env", ["openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253",
                                                     "-in", topology.launcher.keystore + "/localhost/localhost.keystore.cer"])
        let commonName = subject.stdout.split(separator: ",").first { $0.contains("CN=") }.map { String($0.split(separator: "=").last ?? "") } ?? "?"
        let log = await eventually(timeout: .seconds(5)) { () -> String? in
            let text = topology.log("jobs-api")
            return text.contains("ZWEL1530I") ? text : nil
        } ?? topology.log("jobs-api")
        let line = log.split(separator: "\n").first { $0.contains("ZWEL1530I") }.map(String.init) ?? ""
        #expect(line.contains("CN=\(commonName)") && line.contains("issued by"), "\(line)")
    }
}
