import Foundation
import ZweTestSupport
import Testing

/// Replaces the Zowe certificate of a fixture's keystore directory with one made by openssl
/// with a chosen defect, the way a user's own tools would produce it. The local CA, the
/// truststore and zowe-certificates.env stay as they are.
struct LeafSpec {
    var key = "ec:P-256"              // openssl -newkey argument, e.g. rsa:1024
    var digest = "sha256"
    var extensions = "subjectAltName=DNS:localhost,IP:127.0.0.1\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n"
    var startDate: String?            // YYYYMMDDHHMMSSZ, with endDate: made with `openssl ca`
    var endDate: String?
    /// Sign with an intermediate CA (itself signed by the local CA) that is put in no store.
    var viaHiddenIntermediate = false
}

func replaceLeaf(_ fixture: InstanceFixture, _ spec: LeafSpec) throws {
    let work = fixture.scratch.path + "/leaf-\(UUID().uuidString.prefix(6))"
    try FileManager.default.createDirectory(atPath: work + "/newcerts", withIntermediateDirectories: true)
    let env = Harness.baseEnvironment(["PW": "password"])
    func openssl(_ arguments: [String]) throws {
        let result = try Harness.run("openssl", arguments, environment: env, directory: work)
        #expect(result.status == 0, "openssl \(arguments.joined(separator: " ")): \(result)")
    }
    let keystore = fixture.keystore
    try openssl(["pkcs12", "-in", keystore + "/local_ca/localca.keystore.p12", "-nocerts", "-nodes", "-passin", "env:PW", "-out", "ca.key"])
    var signerCertificate = keystore + "/local_ca/localca.cer"
    var signerKey = "ca.key"
    if spec.viaHiddenIntermediate {
        try "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n".write(toFile: work + "/int.cnf", atomically: true, encoding: .utf8)
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "int.key", "-out", "int.csr", "-subj", "/CN=Hidden Intermediate CA/O=Example"])
        try openssl(["x509", "-req", "-in", "int.csr", "-CA", signerCertificate, "-CAkey", signerKey, "-CAcreateserial", "-out", "int.cer", "-days", "30", "-extfile", "int.cnf"])
        signerCertificate = work + "/int.cer"
        signerKey = "int.key"
    }
    let keyArguments = spec.key.hasPrefix("ec:") ? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:\(spec.key.dropFirst(3))"] : ["-newkey", spec.key]
    try openssl(["req"] + keyArguments + ["-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=Zowe Service/O=Zowe Sample"])
    try spec.extensions.write(toFile: work + "/leaf.cnf", atomically: true, encoding: .utf8)
    if let start = spec.startDate, let end = spec.endDate {
        try "".write(toFile: work + "/index.txt", atomically: true, encoding: .utf8)
        try "1000\n".write(toFile: work + "/serial", atomically: true, encoding: .utf8)
        try """
            [ca]
            default_ca = here
            [here]
            dir = .
            database = index.txt
            new_certs_dir = newcerts
            serial = serial
            default_md = \(spec.digest)
            policy = anything
            unique_subject = no
            [anything]
            commonName = supplied
            organizationName = optional
            """.write(toFile: work + "/ca.cnf", atomically: true, encoding: .utf8)
        try openssl(["ca", "-batch", "-config", "ca.cnf", "-cert", signerCertificate, "-keyfile", signerKey, "-in", "leaf.csr", "-out", "leaf.cer", "-startdate", start, "-enddate", end, "-extfile", "leaf.cnf", "-notext"])
    } else {
        try openssl(["x509", "-req", "-in", "leaf.csr", "-CA", signerCertificate, "-CAkey", signerKey, "-CAcreateserial", "-out", "leaf.cer", "-days", "30", "-\(spec.digest)", "-extfile", "leaf.cnf"])
    }
    // The keystore as `openssl pkcs12 -export` makes it: the key entry with the chain it has.
    try openssl(["pkcs12", "-export", "-in", "leaf.cer", "-inkey", "leaf.key", "-certfile", keystore + "/local_ca/localca.cer", "-name", "localhost", "-out", "keystore.p12", "-passout", "env:PW"])
    let folder = keystore + "/localhost"
    for (from, to) in [("keystore.p12", "localhost.keystore.p12"), ("leaf.cer", "localhost.keystore.cer"), ("leaf.cer", "localhost.keystore.cer-ebcdic"), ("leaf.key", "localhost.keystore.key")] {
        let target = folder + "/" + to
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: work + "/" + from, toPath: target)
        chmod(target, 0o600)
    }
}
