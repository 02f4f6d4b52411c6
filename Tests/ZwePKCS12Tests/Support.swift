import Foundation
import Testing
import ZweTestSupport

/// A password with the characters that break naive quoting: `$`, space, `'`, `"` and backslash.
let awkwardPassword = #"pa$$ w'o"r\d!"#

struct ToolResult {
    var status: Int32
    var output: String
    var errorOutput: String
}

struct ToolError: Error, CustomStringConvertible {
    var description: String
}

/// A temporary directory for one test, with helpers to run `openssl` and `keytool` in it.
/// Passwords reach the tools only through environment variables.
final class Workspace {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ZwePKCS12Tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    func read(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: directory.appendingPathComponent(name)))
    }

    func write(_ bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }

    /// Runs a tool found on PATH; output goes to files so that large outputs cannot block.
    @discardableResult
    func run(_ tool: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> ToolResult {
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        for (key, value) in extra { environment[key] = value }
        let result = try runProgram(tool, arguments, environment: environment, directory: directory.path)
        return ToolResult(status: result.status, output: result.stdout, errorOutput: result.stderr)
    }

    /// Runs a tool and fails unless it exits 0.
    @discardableResult
    func mustRun(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ToolResult {
        let result = try run(tool, arguments, environment: environment)
        if result.status != 0 {
            throw ToolError(description: "\(tool) \(arguments.joined(separator: " ")) exited \(result.status): \(result.errorOutput)\(result.output)")
        }
        return result
    }

    func openssl(_ arguments: String..., password: String? = nil) throws {
        try mustRun("openssl", arguments, environment: password.map { ["PW": $0] } ?? [:])
    }

    /// keytool with English output, and a UTF-8 locale so that Java decodes the environment as UTF-8.
    func keytool(_ arguments: [String], password: String) throws -> ToolResult {
        try run("keytool", ["-J-Duser.language=en", "-J-Duser.country=US"] + arguments,
                environment: ["PW": password, "LC_ALL": "C.UTF-8"])
    }

    // MARK: Fixtures made with the openssl CLI

    /// A key pair and certificate: PKCS#8 DER (as `openssl pkcs8 -topk8 -nocrypt -outform DER` writes it)
    /// and certificate DER.
    struct Credential {
        var pkcs8DER: [UInt8]
        var certificateDER: [UInt8]
        var keyFile: String
        var certificateFile: String
    }

    /// A self-signed RSA-2048 CA.
    func makeCA(name: String, commonName: String) throws -> Credential {
        try openssl("req", "-x509", "-newkey", "rsa:2048", "-noenc", "-keyout", "\(name).key", "-out", "\(name).pem",
                    "-days", "30", "-subj", "/O=Zowe Test/CN=\(commonName)", "-sha256",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        return try credential(name)
    }

    /// An RSA-2048 server certificate signed by `ca`.
    func makeRSALeaf(name: String, commonName: String, signedBy ca: Credential) throws -> Credential {
        try openssl("req", "-new", "-newkey", "rsa:2048", "-noenc", "-keyout", "\(name).key", "-out", "\(name).csr",
                    "-subj", "/O=Zowe Test/CN=\(commonName)")
        try Data("""
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth,clientAuth
            subjectAltName=DNS:\(commonName)
            subjectKeyIdentifier=hash
            authorityKeyIdentifier=keyid
            """.utf8).write(to: directory.appendingPathComponent("\(name).ext"))
        try openssl("x509", "-req", "-in", "\(name).csr", "-CA", ca.certificateFile, "-CAkey", ca.keyFile,
                    "-CAcreateserial", "-out", "\(name).pem", "-days", "30", "-sha256", "-extfile", "\(name).ext")
        return try credential(name)
    }

    /// A self-signed EC P-256 certificate.
    func makeECSelfSigned(name: String, commonName: String) throws -> Credential {
        try openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc",
                    "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "30",
                    "-subj", "/O=Zowe Test/CN=\(commonName)",
                    "-addext", "subjectAltName=DNS:\(commonName)")
        return try credential(name)
    }

    private func credential(_ name: String) throws -> Credential {
        try openssl("pkcs8", "-topk8", "-nocrypt", "-in", "\(name).key", "-outform", "DER", "-out", "\(name).p8")
        try openssl("x509", "-in", "\(name).pem", "-outform", "DER", "-out", "\(name).der")
        return Credential(pkcs8DER: try read("\(name).p8"), certificateDER: try read("\(name).der"),
                          keyFile: "\(name).key", certificateFile: "\(name).pem")
    }

    /// Normalises any key file openssl can read (PEM or DER, PKCS#1/SEC1/PKCS#8) to PKCS#8 DER.
    func normalisedPKCS8(ofKeyFile file: String, inform: String = "PEM") throws -> [UInt8] {
        let out = "\(UUID().uuidString).p8"
        try openssl("pkcs8", "-topk8", "-nocrypt", "-inform", inform, "-in", file, "-outform", "DER", "-out", out)
        return try read(out)
    }

    func normalisedPKCS8(_ pkcs8DER: [UInt8]) throws -> [UInt8] {
        let file = "\(UUID().uuidString).der"
        try write(pkcs8DER, to: file)
        return try normalisedPKCS8(ofKeyFile: file, inform: "DER")
    }
}

/// One entry of `keytool -list -v`.
struct KeytoolEntry: Equatable {
    var alias: String
    var type: String
    var chainLength: Int?
}

/// Parses `keytool -list -v` output.
func parseKeytoolList(_ output: String) -> (declared: Int?, entries: [KeytoolEntry]) {
    var declared: Int?
    var entries: [KeytoolEntry] = []
    for line in output.split(separator: "\n", omittingEmptySubsequences: false).map({ String($0) }) {
        if line.hasPrefix("Your keystore contains ") {
            declared = Int(line.dropFirst("Your keystore contains ".count).split(separator: " ").first ?? "")
        } else if line.hasPrefix("Alias name: ") {
            entries.append(KeytoolEntry(alias: String(line.dropFirst("Alias name: ".count)), type: ""))
        } else if line.hasPrefix("Entry type: "), !entries.isEmpty {
            entries[entries.count - 1].type = String(line.dropFirst("Entry type: ".count))
        } else if line.hasPrefix("Certificate chain length: "), !entries.isEmpty {
            entries[entries.count - 1].chainLength = Int(line.dropFirst("Certificate chain length: ".count))
        }
    }
    return (declared, entries)
}
