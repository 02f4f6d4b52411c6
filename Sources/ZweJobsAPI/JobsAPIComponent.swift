// ZweJobsAPI owns the jobs-api component: Zowe's jobs REST API (`/api/v1/jobs`, `/api/v2/jobs`,
// registered with discovery as `jobs` with routes api/v1 and api/v2) answered by calling z/OSMF's
// restjobs southbound, with the instance truststore and verify mode, as the user of each request:
// Basic credentials are passed on, a Zowe token (apimlAuthenticationToken) is checked with the
// keystore's jwtsecret key and replaced by the z/OSMF session it carries. It runs on
// ZweComponentRuntime like every component.

import Foundation
import Hummingbird
import Logging
import NIOCore
import ZweComponentRuntime
import ZweMessages

public enum JobsAPIComponent {
    public static let registration = EurekaRegistration(
        serviceID: "jobs",
        title: "IBM z/OS Jobs",
        description: "IBM z/OS Jobs REST API service",
        routes: [
            .init(gatewayURL: "api/v1", serviceURL: "/api/v1/jobs"),
            .init(gatewayURL: "api/v2", serviceURL: "/api/v2/jobs"),
        ],
        homePagePath: "/api/v2/jobs",
        extraMetadata: [
            "apiml.catalog.tile.id": "cezosmf",
            "apiml.catalog.tile.title": "z/OS Management Facility",
            "apiml.catalog.tile.description": "IBM z/OS Management Facility REST services",
            "apiml.authentication.scheme": "zoweJwt",
        ])

    /// Adds the routes, the southbound client and the discovery registration. Reads ZOSMF_HOST,
    /// ZOSMF_PORT and the discovery variables; without z/OSMF every call answers 503.
    public static func configure(
        _ server: inout ComponentServer, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Diagnostic) {
        let settings = server.environment
        let component = settings.componentID
        let discovery = try EurekaClientConfiguration.read(component: component, environment: environment)
        let validator = try TokenValidator.load(settings)
        var zosmfAddress: (host: String, port: Int)?
        if let host = environment["ZOSMF_HOST"]?.trimmingCharacters(in: .whitespaces), !host.isEmpty {
            let portText = environment["ZOSMF_PORT"]?.trimmingCharacters(in: .whitespaces) ?? "443"
            guard let port = Int(portText), (1...65_535).contains(port) else {
                throw Diagnostic(MessageCatalog.runtimeVariableInvalid, [
                    "component": component, "name": "ZOSMF_PORT", "value": portText, "expected": "a port number from 1 to 65535",
                ])
            }
            zosmfAddress = (host, port)
        }
        // Made after every check that can fail: a client must be shut down once made, and
        // nothing would shut it down if start-up ended with an error here.
        let client = try SouthboundClient(identity: server.identity, mode: settings.verifyMode, logger: server.logger)

        var zosmf: ZOSMFJobs?
        if let zosmfAddress {
            zosmf = ZOSMFJobs(client: client, host: zosmfAddress.host, port: zosmfAddress.port)
        } else {
            server.logger.warning("\(Diagnostic(MessageCatalog.jobsNoZOSMF, ["component": component]))")
        }
        let routes = JobsRoutes(zosmf: zosmf, validator: validator)
        for prefix in ["/api/v1/jobs", "/api/v2/jobs"] { routes.add(to: server.router, prefix: prefix) }

        let eureka = EurekaClient(registration: registration, port: settings.port, configuration: discovery,
                                  client: client, component: component, logger: server.logger)
        server.services.append(client.service)
        server.services.append(eureka)
    }
}

/// The jobs API's endpoints under one prefix.
struct JobsRoutes: Sendable {
    let zosmf: ZOSMFJobs?
    let validator: TokenValidator

    func add(to router: Router<ComponentRequestContext>, prefix: String) {
        let base = RouterPath(stringLiteral: prefix)
        router.get(base) { request, _ in
            await answer { () throws(JobsError) in
                let (zosmf, identity) = try ready(request)
                var query: [(String, String)] = []
                for name in ["prefix", "owner"] {
                    if let value = request.uri.queryParameters.get(name), !value.isEmpty { query.append((name, value)) }
                }
                query.append(("max-jobs", request.uri.queryParameters.get("max-jobs") ?? "1000"))
                let response = try await zosmf.call("GET", ZOSMFJobs.query(query), as: identity)
                var jobs = (try zosmf.json(response) as? [[String: Any]] ?? []).compactMap(Job.init(zosmf:))
                if let status = request.uri.queryParameters.get("status"), !status.isEmpty, status != "*" {
                    jobs = jobs.filter { $0.status.caseInsensitiveCompare(status) == .orderedSame }
                }
                return json(.ok, Items(items: jobs))
            }
        }
        router.post(RouterPath(stringLiteral: prefix + "/string")) { request, _ in
            await answer { () throws(JobsError) in
                let (zosmf, identity) = try ready(request)
                let body = try await collect(request)
                guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
                      let jcl = object["jcl"] as? String, !jcl.isEmpty else {
                    throw JobsError(status: 400, message: "The body must be JSON {\"jcl\": \"//JOBNAME JOB ...\"}")
                }
                let response = try await zosmf.call("PUT", "", as: identity, body: Array(jcl.utf8), contentType: "text/plain")
                guard let document = try zosmf.json(response) as? [String: Any], let job = Job(zosmf: document) else {
                    throw JobsError(status: 502, message: "z/OSMF's answer to the submission names no job")
                }
                var headers = HTTPFields()
                headers[.location] = "\(prefix)/\(job.jobName)/\(job.jobId)"
                return json(.created, job, headers: headers)
            }
        }
        let job = RouterPath(stringLiteral: prefix + "/:name/:id")
        router.get(job) { request, context in
            await answer { () throws(JobsError) in
                let (zosmf, identity) = try ready(request)
                let response = try await zosmf.call("GET", jobPath(context), as: identity)
                guard let document = try zosmf.json(response) as? [String: Any], let job = Job(zosmf: document) else {
                    throw JobsError(status: 502, message: "z/OSMF's answer names no job")
                }
                return json(.ok, job)
            }
        }
        router.delete(job) { request, context in
            await answer { () throws(JobsError) in
                let (zosmf, identity) = try ready(request)
                _ = try await zosmf.call("DELETE", jobPath(context), as: identity)
                return Response(status: .noContent)
            }
        }
        router.put(job) { request, context in
            await answer { () throws(JobsError) in
                let (zosmf, identity) = try ready(request)
                let body = try await collect(request)
                let command = (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["command"] as? String
                guard let command, ["cancel", "hold", "release"].contains(command) else {
                    throw JobsError(status: 400, message: "The body must be JSON {\"command\": \"cancel\"} (or hold, release)")
                }
                let request = Array(#"{"request":"\#(command)","version":"2.0"}"#.utf8)
                _ = try await zosmf.call("PUT", jobPath(context), as: identity, body: request, contentType: "application/json")
                let refreshed = try await zosmf.call("GET", jobPath(context), as: identity)
                guard let document = try zosmf.json(refreshed) as? [String: Any], let job = Job(zosmf: document) else {
                    throw JobsError(status: 502, message: "z/OSMF's answer names no job")
                }
                return json(.ok, job)
            }
        }
        router.get(RouterPath(stringLiteral: prefix + "/:name/:id/files")) { request, context in
            await answer { () throws(JobsError) in
                let (zosmf, identity) = try ready(request)
                let response = try await zosmf.call("GET", jobPath(context) + "/files", as: identity)
                let files = (try zosmf.json(response) as? [[String: Any]] ?? []).compactMap(JobFile.init(zosmf:))
                return json(.ok, Items(items: files))
            }
        }
        router.get(RouterPath(stringLiteral: prefix + "/:name/:id/files/:file/content")) { request, context in
            await answer { () throws(JobsError) in
                let (zosmf, identity) = try ready(request)
                let file = context.parameters.get("file") ?? ""
                guard Int(file) != nil || file == "JCL" else { throw JobsError(status: 400, message: "The file id must be a number") }
                let response = try await zosmf.call("GET", jobPath(context) + "/files/\(file)/records", as: identity)
                return json(.ok, ["content": response.text])
            }
        }
    }

    // MARK: - Helpers

    private func jobPath(_ context: ComponentRequestContext) -> String {
        let name = context.parameters.get("name") ?? ""
        let id = context.parameters.get("id") ?? ""
        return "/" + ZOSMFJobs.segment(name.removingPercentEncoding ?? name) + "/" + ZOSMFJobs.segment(id.removingPercentEncoding ?? id)
    }

    /// z/OSMF and the caller's identity, or why the request cannot go on.
    private func ready(_ request: Request) throws(JobsError) -> (ZOSMFJobs, ZOSMFIdentity) {
        guard let zosmf else {
            throw JobsError(status: 503, message: "z/OSMF is not configured for this instance: set ZOSMF_HOST and ZOSMF_PORT in instance.env")
        }
        return (zosmf, try identity(request))
    }

    func identity(_ request: Request) throws(JobsError) -> ZOSMFIdentity {
        let authorization = request.headers[values: .authorization]
        if let basic = authorization.first(where: { $0.lowercased().hasPrefix("basic ") }) { return .basic(basic) }
        let token = ZoweTokenLocation.token(cookies: request.headers[values: .cookie], authorization: authorization)
        guard let token, !token.isEmpty else {
            throw JobsError(status: 401, message: "Authentication is required: log in through the gateway (POST /gateway/api/v1/auth/login) or send Basic credentials")
        }
        let claims: TokenClaims
        switch validator.validate(token) {
        case .success(let valid): claims = valid
        case .failure(.expired): throw JobsError(status: 401, message: "The token has expired: log in again")
        case .failure(.revoked): throw JobsError(status: 401, message: "Token is not valid: it was ended by a logout; log in again")
        case .failure: throw JobsError(status: 401, message: "Token is not valid")
        }
        guard let session = validator.signer.session(of: claims) else {
            throw JobsError(status: 401, message: "The token of user \(claims.sub) carries no z/OSMF session: the gateway must check logins against z/OSMF (APIML_SECURITY_AUTH_PROVIDER=zosmf), or send Basic credentials")
        }
        return .session(session)
    }

    private func collect(_ request: Request) async throws(JobsError) -> [UInt8] {
        do {
            var body = try await request.body.collect(upTo: 16 * 1024 * 1024)
            return body.readBytes(length: body.readableBytes) ?? []
        } catch {
            throw JobsError(status: 413, message: "The body is larger than 16 MiB")
        }
    }
}

/// Runs an endpoint; its `JobsError` becomes the `{"status","message"}` body.
private func answer(_ body: () async throws(JobsError) -> Response) async -> Response {
    do {
        return try await body()
    } catch {
        let status = HTTPResponse.Status(code: error.status)
        return json(status, error)
    }
}

private func json(_ status: HTTPResponse.Status, _ value: some Encodable, headers: HTTPFields = HTTPFields()) -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
    var all = headers
    all[.contentType] = "application/json"
    all[.cacheControl] = "no-store"
    return Response(status: status, headers: all, body: .init(byteBuffer: ByteBuffer(bytes: data)))
}
