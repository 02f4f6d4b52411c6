// Eureka's REST API under /eureka, as Eureka clients call it: path segments are
// percent-decoded (clients quote ':' in instance ids as %3A), application names upper-cased,
// answers in XML unless the Accept header names JSON, and the status codes and 400 texts of
// Eureka's own server.

import Foundation
import Hummingbird
import Logging
import NIOCore
import ZweComponentRuntime
import ZweMessages

struct EurekaAPI: Sendable {
    let registry: Registry
    let logger: Logger
    /// Sends the changes clients make here on to the other discovery services; nil alone.
    var replication: PeerReplication?
    /// The largest registration body taken.
    static let maximumBody = 1 << 20

    func respond(to request: Request, context: ComponentRequestContext) async throws -> Response {
        var path = Substring(request.uri.path)
        guard path.hasPrefix("/eureka/") else { return EurekaResponses.empty(.notFound) }
        path = path.dropFirst("/eureka/".count)
        var segments: [String] = []
        for raw in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let segment = String(raw).removingPercentEncoding else {
                return EurekaResponses.text(.badRequest, "Invalid percent-encoding in the path")
            }
            segments.append(segment)
        }
        let format = EurekaFormat(accept: request.headers[.accept])
        // Hummingbird decodes the values of query parameters, not their names.
        let query = request.uri.queryParameters
        func parameter(_ name: String) -> String? {
            query[Substring(name)].map { String($0) }
        }
        let method = request.method
        // A change another discovery service replicated here is not sent on again.
        let replicated = request.headers.contains { $0.name.canonicalName == replicationHeader && $0.value == "true" }
        func replicate(_ change: ReplicatedChange) {
            if !replicated { replication?.replicate(change) }
        }

        switch (segments.first, segments.count) {
        case ("apps", 1):
            guard method == .get else { return EurekaResponses.empty(.methodNotAllowed) }
            return EurekaResponses.body(registry.applicationsBody(format), format)

        case ("apps", 2) where segments[1] == "delta" && method == .get:
            return EurekaResponses.body(registry.deltaBody(format), format)

        case ("apps", 2):
            let app = segments[1].uppercased()
            switch method {
            case .get:
                guard let body = registry.applicationBody(app, format) else { return EurekaResponses.empty(.notFound) }
                return EurekaResponses.body(body, format)
            case .post:
                let buffer = try await request.body.collect(upTo: Self.maximumBody)
                let info: InstanceInfo
                do throws(RegistrationProblem) {
                    info = try Registration.decode(Array(buffer.readableBytesView), contentType: request.headers[.contentType],
                                                   pathApp: app, lease: registry.lease, now: currentMilliseconds())
                } catch {
                    return EurekaResponses.text(.badRequest, error.text)
                }
                let stored = registry.register(info)
                replicate(.register(app: stored.app, id: stored.instanceId))
                logger.info("\(Diagnostic(MessageCatalog.discoveryRegistered, ["app": stored.app, "id": stored.instanceId, "status": stored.effectiveStatus.rawValue]).description)")
                return EurekaResponses.empty(.noContent)
            default:
                return EurekaResponses.empty(.methodNotAllowed)
            }

        case ("apps", 3):
            let app = segments[1].uppercased()
            let id = segments[2]
            switch method {
            case .get:
                // Reading an instance does not renew its lease.
                guard let info = registry.instance(app: app, id: id) else { return EurekaResponses.empty(.notFound) }
                return EurekaResponses.body(registry.instanceBody(info, format), format)
            case .put:
                let status = parameter("status").map(InstanceStatus.init(eurekaText:))
                let dirty = parameter("lastDirtyTimestamp").flatMap { Int64($0) }
                switch registry.renew(app: app, id: id, status: status, lastDirtyTimestamp: dirty) {
                case .renewed:
                    replicate(.renew(app: app, id: id, status: status, lastDirtyTimestamp: dirty))
                    return EurekaResponses.empty(.ok)
                case .notFound: return EurekaResponses.empty(.notFound)
                }
            case .delete:
                guard let info = registry.cancel(app: app, id: id) else { return EurekaResponses.empty(.notFound) }
                replicate(.cancel(app: app, id: id))
                logger.info("\(Diagnostic(MessageCatalog.discoveryCancelled, ["app": info.app, "id": info.instanceId]).description)")
                return EurekaResponses.empty(.ok)
            default:
                return EurekaResponses.empty(.methodNotAllowed)
            }

        case ("apps", 4) where segments[3] == "status":
            let app = segments[1].uppercased()
            let id = segments[2]
            switch method {
            case .put:
                guard let value = parameter("value"), let status = InstanceStatus(rawValue: value.uppercased()) else {
                    return EurekaResponses.text(.badRequest, "Missing or unknown status value; expected one of "
                        + InstanceStatus.allCases.map(\.rawValue).joined(separator: ", "))
                }
                let dirty = parameter("lastDirtyTimestamp").flatMap { Int64($0) }
                guard registry.overrideStatus(app: app, id: id, to: status, lastDirtyTimestamp: dirty) else {
                    return EurekaResponses.empty(.notFound)
                }
                replicate(.overrideStatus(app: app, id: id, status: status))
                logger.info("\(Diagnostic(MessageCatalog.discoveryStatusOverridden, ["app": app, "id": id, "status": status.rawValue]).description)")
                return EurekaResponses.empty(.ok)
            case .delete:
                let newStatus = parameter("value").map(InstanceStatus.init(eurekaText:))
                guard registry.removeStatusOverride(app: app, id: id, newStatus: newStatus),
                      let info = registry.instance(app: app, id: id) else {
                    return EurekaResponses.empty(.notFound)
                }
                replicate(.removeOverride(app: app, id: id))
                logger.info("\(Diagnostic(MessageCatalog.discoveryOverrideRemoved, ["app": app, "id": id, "status": info.effectiveStatus.rawValue]).description)")
                return EurekaResponses.empty(.ok)
            default:
                return EurekaResponses.empty(.methodNotAllowed)
            }

        case ("apps", 4) where segments[3] == "metadata":
            guard method == .put else { return EurekaResponses.empty(.methodNotAllowed) }
            var entries: [String: String] = [:]
            for (key, value) in query {
                entries[String(key).removingPercentEncoding ?? String(key)] = String(value)
            }
            guard registry.updateMetadata(app: segments[1].uppercased(), id: segments[2], entries) else {
                return EurekaResponses.empty(.notFound)
            }
            return EurekaResponses.empty(.ok)

        case ("instances", 2):
            guard method == .get else { return EurekaResponses.empty(.methodNotAllowed) }
            guard let info = registry.instance(id: segments[1]) else { return EurekaResponses.empty(.notFound) }
            return EurekaResponses.body(registry.instanceBody(info, format), format)

        case ("vips", 2), ("svips", 2):
            guard method == .get else { return EurekaResponses.empty(.methodNotAllowed) }
            guard let body = registry.vipBody(segments[1], secure: segments[0] == "svips", format) else {
                return EurekaResponses.empty(.notFound)
            }
            return EurekaResponses.body(body, format)

        default:
            return EurekaResponses.empty(.notFound)
        }
    }
}

/// The answers of the registry.
enum EurekaResponses {
    static func empty(_ status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentLength: "0"])
    }

    /// A plain-text answer, as Eureka gives its 400 texts.
    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func body(_ buffer: ByteBuffer, _ format: EurekaFormat) -> Response {
        Response(status: .ok, headers: [.contentType: format.contentType], body: .init(byteBuffer: buffer))
    }

    /// The error body of Zowe's API Mediation Layer: `{"messages":[{...}]}`.
    static func apimlError(_ status: HTTPResponse.Status, _ diagnostic: Diagnostic) -> Response {
        var out = ByteWriter(capacity: 512)
        out.raw(#"{"messages":[{"messageType":"#)
        out.jsonString(diagnostic.severity == .error ? "ERROR" : diagnostic.severity == .warning ? "WARNING" : "INFO")
        out.raw(#","messageNumber":"#)
        out.jsonString(diagnostic.id)
        out.raw(#","messageContent":"#)
        out.jsonString(diagnostic.message)
        out.raw(#","messageAction":"#)
        out.jsonString(diagnostic.fix)
        out.raw("}]}")
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: out.bytes)))
    }
}
