import Foundation
import ZweTestSupport

// The discovery tests start the built `zwe-component discovery` as the launcher does and talk
// to it with real clients (curl, Python's http.client + ssl); what is not about discovery is
// in ZweTestSupport.

/// The discovery service started for one test, with curl at hand.
final class Discovery: @unchecked Sendable {
    let running: Running
    let port: Int
    let keystore: Keystore
    var base: String { "https://127.0.0.1:\(port)" }

    /// Starts `zwe-component discovery` and waits for its "listening" line.
    init(_ keystore: Keystore, _ extra: [String: String] = [:], port: Int = freePort()) async throws {
        self.keystore = keystore
        self.port = port
        let environment = componentEnvironment(keystore, ["DISCOVERY_PORT": "\(port)"].merging(extra) { _, new in new })
        running = try Running(Programs.component, ["discovery"], environment: environment)
        guard await running.waitFor("discovery listening on https://127.0.0.1:\(port)") != nil else {
            running.stop()
            throw TestFailure("discovery did not start listening on port \(port)\n\(running.output)")
        }
    }

    func stop() { running.stop() }

    struct Answer: CustomStringConvertible {
        let status: Int
        let body: String
        let headers: String
        let result: ToolResult
        var description: String { "HTTP \(status)\n\(headers)\n\(body)\n\(result)" }

        /// The body parsed as JSON.
        func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(body.utf8), options: [.fragmentsAllowed])
        }
    }

    enum ClientCertificate {
        case zowe
        case none
        case files(certificate: String, key: String)
    }

    /// One request with curl, trusting only the instance CA, by default with the Zowe certificate.
    func curl(_ method: String = "GET", _ path: String, body: String? = nil, contentType: String = "application/json",
              accept: String? = "application/json", certificate: ClientCertificate = .zowe,
              extra: [String] = []) async throws -> Answer {
        let headersFile = FileManager.default.temporaryDirectory.appendingPathComponent("headers-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: headersFile) }
        var arguments = ["--silent", "--show-error", "--max-time", "10", "--cacert", keystore.caCertificate,
                         "--request", method, "--dump-header", headersFile, "--write-out", "\n%{http_code}"]
        switch certificate {
        case .zowe: arguments += ["--cert", keystore.certificate, "--key", keystore.privateKey]
        case .none: break
        case .files(let certificate, let key): arguments += ["--cert", certificate, "--key", key]
        }
        if let accept { arguments += ["--header", "Accept: \(accept)"] }
        if let body { arguments += ["--header", "Content-Type: \(contentType)", "--data-binary", body] }
        let result = try await runTool("curl", arguments + extra + [base + path])
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        let headers = (try? String(contentsOfFile: headersFile, encoding: .utf8)) ?? ""
        return Answer(status: status, body: lines.joined(separator: "\n"), headers: headers, result: result)
    }
}

/// A registration body in Eureka's JSON form.
func instanceJSON(app: String, id: String, host: String = "localhost", status: String = "UP", port: Int = 8545,
                  duration: Int? = nil, metadata: [String: String] = [:]) -> String {
    var lease = ""
    if let duration { lease = #","leaseInfo":{"renewalIntervalInSecs":1,"durationInSecs":\#(duration)}"# }
    let meta = metadata.sorted { $0.key < $1.key }.map { #""\#($0.key)":"\#($0.value)""# }.joined(separator: ",")
    return """
        {"instance":{"instanceId":"\(id)","hostName":"\(host)","app":"\(app)","ipAddr":"127.0.0.1",\
        "status":"\(status)","port":{"$":\(port),"@enabled":"false"},"securePort":{"$":\(port),"@enabled":"true"},\
        "homePageUrl":"https://\(host):\(port)/","vipAddress":"\(app.lowercased())","secureVipAddress":"\(app.lowercased())",\
        "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$MyDataCenterInfo","name":"MyOwn"}\(lease),\
        "metadata":{\(meta)}}}
        """
}

/// The instances of a `GET /eureka/apps` JSON answer, by instance id.
func instancesByID(_ json: Any) -> [String: [String: Any]] {
    var result: [String: [String: Any]] = [:]
    let applications = (json as? [String: Any])?["applications"] as? [String: Any]
    for application in applications?["application"] as? [[String: Any]] ?? [] {
        for instance in application["instance"] as? [[String: Any]] ?? [] {
            if let id = instance["instanceId"] as? String { result[id] = instance }
        }
    }
    return result
}
