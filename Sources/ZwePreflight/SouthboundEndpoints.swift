import Foundation
import ZweCertificates
import ZweConfiguration
import ZweMessages

/// The services rule 9 shakes hands with: z/OSMF from ZOSMF_HOST/ZOSMF_PORT, and every https
/// base URL of the static definitions in STATIC_DEF_CONFIG_DIR, when that folder exists (it is
/// made at the first start). Reading them costs a directory listing; nothing is contacted here.
enum SouthboundEndpoints {
    /// The discovery configure step rewrites this file from ZOSMF_HOST and ZOSMF_PORT at every
    /// start: those are checked directly, and a copy left by an earlier start may be stale.
    static let zosmfDefinitionFile = "ibmzosmf.yml"

    static func of(_ plan: LaunchPlan) -> (endpoints: [SouthboundEndpoint], findings: [Diagnostic]) {
        var endpoints: [SouthboundEndpoint] = []
        var findings: [Diagnostic] = []
        func add(_ endpoint: SouthboundEndpoint) {
            // One handshake per host and port, whoever names it first.
            guard !endpoints.contains(where: { $0.host == endpoint.host && $0.port == endpoint.port }) else { return }
            endpoints.append(endpoint)
        }

        let values = plan.instanceValues
        let host = bare(values["ZOSMF_HOST"]?.trimmingCharacters(in: .whitespaces) ?? "")
        if !host.isEmpty {
            let portText = values["ZOSMF_PORT"]?.trimmingCharacters(in: .whitespaces) ?? ""
            // The same characters the discovery configure step accepts.
            let hostValid = host.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".:-".unicodeScalars.contains($0))
            }
            let port = portText.isEmpty ? 443 : Int(portText)
            if !hostValid {
                findings.append(Diagnostic(MessageCatalog.southboundSettingInvalid, [
                    "key": "ZOSMF_HOST", "value": host, "expected": "a host name or an IP address",
                ], location: plan.instanceLocations["ZOSMF_HOST"]))
            }
            if port == nil || !(1...65_535).contains(port!) {
                findings.append(Diagnostic(MessageCatalog.southboundSettingInvalid, [
                    "key": "ZOSMF_PORT", "value": portText, "expected": "a port number from 1 to 65535",
                ], location: plan.instanceLocations["ZOSMF_PORT"]))
            }
            if hostValid, let port, (1...65_535).contains(port) {
                add(SouthboundEndpoint(kind: .zosmf, host: host.lowercased(), port: port,
                                       location: plan.instanceLocations["ZOSMF_HOST"] ?? plan.instanceEnvironmentFile))
            }
        }

        let folder = plan.workspaceDirectory + "/api-mediation/api-defs"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names.sorted() where (name.hasSuffix(".yml") || name.hasSuffix(".yaml")) && name != zosmfDefinitionFile {
            let path = folder + "/" + name
            // A file that cannot be read is the discovery service's to report when it starts.
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                  let root = try? YAMLDocument.parse(text, path: path),
                  case .sequence(let services, _, _)? = root["services"] else { continue }
            for service in services {
                guard let id = service["serviceId"]?.text?.trimmingCharacters(in: .whitespaces), !id.isEmpty else { continue }
                let urls: [YAMLNode] = switch service["instanceBaseUrls"] {
                case .sequence(let items, _, _)?: items
                case let scalar?: [scalar]
                case nil: []
                }
                for node in urls {
                    guard let text = node.text?.trimmingCharacters(in: .whitespaces),
                          let url = URLComponents(string: text), url.scheme?.lowercased() == "https",
                          let urlHost = url.host, !urlHost.isEmpty else { continue }
                    add(SouthboundEndpoint(kind: .staticService(id), host: bare(urlHost).lowercased(), port: url.port ?? 443,
                                           location: "\(path):\(node.line)"))
                }
            }
        }
        return (endpoints, findings)
    }

    /// `[::1]` as `::1`.
    static func bare(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }
}
