import Foundation
import ZweComponentRuntime

/// Who the jobs API calls z/OSMF as: the user of the request, never a technical user.
enum ZOSMFIdentity: Sendable, Equatable {
    /// `Authorization: Basic ...` passed on as received.
    case basic(String)
    /// z/OSMF's own session cookie (`jwtToken=...`), from the Zowe token the gateway issued at login.
    case session(String)
}

/// z/OSMF's restjobs interface, called southbound with the instance truststore and verify mode.
struct ZOSMFJobs: Sendable {
    let client: SouthboundClient
    /// `https://host:port/zosmf/restjobs/jobs`.
    let base: String

    init(client: SouthboundClient, host: String, port: Int) {
        self.client = client
        let urlHost = host.contains(where: { $0 == ":" }) ? "[\(host)]" : host
        base = "https://\(urlHost):\(port)/zosmf/restjobs/jobs"
    }

    /// A request to `base + path`; a z/OSMF error status becomes a `JobsError` with its message.
    func call(_ method: String, _ path: String, as identity: ZOSMFIdentity, body: [UInt8]? = nil,
              contentType: String? = nil) async throws(JobsError) -> SouthboundResponse {
        var headers: [(String, String)] = [("Accept", "application/json"), ("X-CSRF-ZOSMF-HEADER", "true")]
        switch identity {
        case .basic(let value): headers.append(("Authorization", value))
        case .session(let cookie): headers.append(("Cookie", cookie))
        }
        if let contentType { headers.append(("Content-Type", contentType)) }
        let response: SouthboundResponse
        do {
            response = try await client.request(method, base + path, headers: headers, body: body, maxBodyBytes: 64 * 1024 * 1024)
        } catch {
            let status = switch error.kind {
            case .tlsUntrusted, .tlsHostnameMismatch, .tlsClientCertificateRejected, .tlsOther: 502
            case .timeout: 504
            default: 503
            }
            throw JobsError(status: status, message: "z/OSMF at \(base) cannot be used: \(error.reason)")
        }
        guard response.status < 400 else {
            let object = try? JSONSerialization.jsonObject(with: Data(response.bytes)) as? [String: Any]
            let message = object?["message"] as? String ?? response.text.trimmingCharacters(in: .whitespacesAndNewlines)
            // z/OSMF says "No job found for reference" with a 400; the jobs API says 404, as Zowe's does.
            let status = response.status == 400 && message.hasPrefix("No job found") ? 404 : response.status
            throw JobsError(status: status, message: message.isEmpty ? "z/OSMF answered HTTP \(response.status)" : message)
        }
        return response
    }

    func json(_ response: SouthboundResponse) throws(JobsError) -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(response.bytes))
        } catch {
            throw JobsError(status: 502, message: "z/OSMF's answer is not JSON")
        }
    }

    /// A path segment as z/OSMF reads it: job names may hold `$`, `#` and `@`.
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~$#@")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func query(_ items: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~*$#@")
        let pairs = items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }
}
