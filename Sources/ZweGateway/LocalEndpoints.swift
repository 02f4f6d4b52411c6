import Foundation
import NIOCore
import NIOHTTP1
import ZweComponentRuntime
import ZweMessages

/// The gateway's own endpoints, answered before any routing: `/application/health`,
/// `/application/prometheus`, `/gateway/api/v1/services[/{id}]`, `/gateway/api/v1/version`, the authentication endpoints
/// (also under the v1 form `/api/v1/gateway/auth/...`), and the landing page at `/`.
struct LocalEndpoints: Sendable {
    let routing: Routing
    let authenticator: Authenticator
    let version: String
    let metrics: ComponentMetrics

    /// The answer when the path is one of the gateway's own, else nil (the request is routed).
    /// Whether the target can name one of the gateway's own endpoints: its first segment is
    /// none, `application`, `gateway` or `api` (for `/api/v1/gateway`). A look at its first
    /// bytes, so that proxied requests skip `answer`.
    static func mayAnswer(_ target: String) -> Bool {
        let path = RouteTable.split(target).path.utf8.drop(while: { $0 == UInt8(ascii: "/") })
        let first = path.prefix(while: { $0 != UInt8(ascii: "/") })
        return first.isEmpty || first.elementsEqual("application".utf8) || first.elementsEqual("gateway".utf8)
            || first.elementsEqual("api".utf8)
    }

    /// Whether `answer` answers this target (when `mayAnswer` says it may): decided from the
    /// head alone, so that a request for a service is passed on as its body comes, and only
    /// the gateway's own (small) bodies are read whole first.
    static func isLocal(_ target: String) -> Bool {
        let segments = RouteTable.split(target).path.split(separator: "/", omittingEmptySubsequences: true)
        guard let first = segments.first else { return true }
        if first == "application" {
            return segments.count == 2 && ["health", "prometheus", "info"].contains(segments[1])
        }
        return first == "gateway" || segments.starts(with: ["api", "v1", "gateway"])
    }

    func answer(_ head: HTTPRequestHead, body: ByteBuffer?, on loop: any EventLoop) -> EventLoopFuture<GatewayResponse>? {
        let path = String(RouteTable.split(head.uri).path)
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        func now(_ response: GatewayResponse) -> EventLoopFuture<GatewayResponse> { loop.makeSucceededFuture(response) }

        if segments.isEmpty {
            return now(only([.GET, .HEAD], head, path) ?? .html(LandingPage.html(routing.table)))
        }
        if segments == ["application", "health"] {
            return now(only([.GET, .HEAD], head, path) ?? health())
        }
        if segments == ["application", "prometheus"] {
            return now(only([.GET, .HEAD], head, path) ?? prometheus())
        }
        if segments == ["application", "info"] {
            return now(only([.GET, .HEAD], head, path) ?? .json(.ok, ["build": ["name": "gateway", "version": version]]))
        }
        let gatewayAPI: ArraySlice<Substring>
        if segments.starts(with: ["gateway", "api", "v1"]) {
            gatewayAPI = segments.dropFirst(3)
        } else if segments.starts(with: ["api", "v1", "gateway"]) {
            gatewayAPI = segments.dropFirst(3)
        } else if segments.first == "gateway" {
            // Everything under /gateway is the gateway's; what is not an endpoint is not found.
            return now(.error(.notFound, Diagnostic(MessageCatalog.gatewayNoRoute, ["path": path])))
        } else {
            return nil
        }
        switch Array(gatewayAPI) {
        case ["services"]:
            return now(only([.GET, .HEAD], head, path) ?? .json(.ok, ServicesDocument.list(routing.table)))
        case let parts where parts.count == 2 && parts[0] == "services":
            if let refused = only([.GET, .HEAD], head, path) { return now(refused) }
            guard let service = routing.table.services[parts[1].lowercased()] else {
                return now(.error(.notFound, Diagnostic(MessageCatalog.gatewayNoRoute, ["path": path])))
            }
            return now(.json(.ok, ServicesDocument.Service(service)))
        case ["version"]:
            return now(only([.GET, .HEAD], head, path)
                ?? .json(.ok, ["zowe": ["version": version], "apiml": ["version": version]]))
        case ["auth", "login"]:
            if let refused = only([.POST], head, path) { return now(refused) }
            let authenticator = self.authenticator
            return loop.makeFutureWithTask { await Self.login(head, body: body, path: path, authenticator: authenticator) }
        case ["auth", "query"]:
            return now(only([.GET], head, path) ?? query(head, path: path))
        case ["auth", "logout"]:
            if let refused = only([.POST, .DELETE], head, path) { return now(refused) }
            return loop.makeFutureWithTask { await self.logout(head, path: path) }
        default:
            return now(.error(.notFound, Diagnostic(MessageCatalog.gatewayNoRoute, ["path": path])))
        }
    }

    private func only(_ methods: [HTTPMethod], _ head: HTTPRequestHead, _ path: String) -> GatewayResponse? {
        guard !methods.contains(head.method) else { return nil }
        var headers = HTTPHeaders()
        headers.add(name: "Allow", value: methods.map(\.rawValue).joined(separator: ", "))
        return .error(.methodNotAllowed, Diagnostic(MessageCatalog.gatewayMethodNotAllowed, [
            "method": head.method.rawValue, "path": path, "allowed": methods.map(\.rawValue).joined(separator: " or "),
        ]), headers: headers)
    }

    // MARK: - Metrics

    private func prometheus() -> GatewayResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: ComponentMetrics.contentType)
        headers.add(name: "Cache-Control", value: "no-store")
        return GatewayResponse(status: .ok, headers: headers, body: ByteBuffer(bytes: metrics.exposition()))
    }

    // MARK: - Health

    /// `status` UP while the gateway serves; the details say what it depends on.
    private func health() -> GatewayResponse {
        struct Details: Encodable {
            let discovery: String
            let auth: String
            let apicatalog: String
            let gatewayCount: Int
        }
        struct Gateway: Encodable {
            let status: String
            let details: Details
        }
        struct Health: Encodable {
            let status: String
            let components: [String: Gateway]
        }
        let table = routing.table
        func up(_ id: String) -> Bool { !(table.services[id]?.upInstances.isEmpty ?? true) }
        let auth: Bool
        switch authenticator.provider {
        case .file(let path): auth = FileManager.default.isReadableFile(atPath: path)
        case .zosmf: auth = up("ibmzosmf")
        }
        let details = Details(
            discovery: routing.discoveryReachable.load(ordering: .relaxed) ? "UP" : "DOWN",
            auth: auth ? "UP" : "DOWN",
            apicatalog: up("apicatalog") ? "UP" : "DOWN",
            gatewayCount: table.services["gateway"]?.upInstances.count ?? 0)
        return .json(.ok, Health(status: "UP", components: ["gateway": Gateway(status: "UP", details: details)]))
    }

    // MARK: - Authentication

    private static func login(_ head: HTTPRequestHead, body: ByteBuffer?, path: String,
                              authenticator: Authenticator) async -> GatewayResponse {
        var credentials = Authenticator.basicCredentials(head.headers[canonicalForm: "authorization"].map(String.init))
        if credentials == nil, let body, body.readableBytes > 0,
           let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
           let user = object["username"] as? String, let password = object["password"] as? String {
            credentials = (user, password)
        }
        guard let credentials, !credentials.user.isEmpty, !credentials.password.isEmpty else {
            return .error(.badRequest, Diagnostic(MessageCatalog.gatewayCredentialsMissing, ["path": path]))
        }
        switch await authenticator.login(user: credentials.user, password: credentials.password) {
        case .rejected:
            return .error(.unauthorized, Diagnostic(MessageCatalog.gatewayInvalidCredentials, [
                "path": path, "provider": authenticator.provider.name,
            ]))
        case .unavailable(let reason):
            return .error(.serviceUnavailable, Diagnostic(MessageCatalog.gatewayAuthenticationUnavailable, [
                "path": path, "reason": reason, "provider": authenticator.provider.name,
            ]))
        case .accepted(let zosmfCookie):
            do {
                let (token, _) = try authenticator.issue(user: credentials.user, zosmfCookie: zosmfCookie)
                var headers = HTTPHeaders()
                headers.add(name: "Set-Cookie", value: "\(Authenticator.cookieName)=\(token); Path=/; Secure; HttpOnly; SameSite=Strict")
                headers.add(name: "Cache-Control", value: "no-store")
                return GatewayResponse(status: .noContent, headers: headers)
            } catch {
                return .error(.internalServerError, Diagnostic(MessageCatalog.gatewayAuthenticationUnavailable, [
                    "path": path, "reason": "the token cannot be signed: \(error)", "provider": authenticator.provider.name,
                ]))
            }
        }
    }

    private func token(_ head: HTTPRequestHead) -> String? {
        Authenticator.token(cookies: head.headers[canonicalForm: "cookie"].map(String.init),
                            authorization: head.headers[canonicalForm: "authorization"].map(String.init))
    }

    private func tokenError(_ problem: TokenValidator.Problem, path: String) -> GatewayResponse {
        switch problem {
        case .missing: .error(.unauthorized, Diagnostic(MessageCatalog.gatewayAuthenticationRequired, ["path": path]))
        case .invalid, .notYetValid, .revoked: .error(.unauthorized, Diagnostic(MessageCatalog.gatewayTokenNotValid))
        case .expired: .error(.unauthorized, Diagnostic(MessageCatalog.gatewayTokenExpired))
        }
    }

    private func query(_ head: HTTPRequestHead, path: String) -> GatewayResponse {
        switch authenticator.check(token(head)) {
        case .failure(let problem):
            return tokenError(problem, path: path)
        case .success(let claims):
            let format = ISO8601DateFormatter()
            format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return .json(.ok, [
                "userId": claims.sub,
                "creation": format.string(from: Date(timeIntervalSince1970: TimeInterval(claims.iat))),
                "expiration": format.string(from: Date(timeIntervalSince1970: TimeInterval(claims.exp))),
            ])
        }
    }

    private func logout(_ head: HTTPRequestHead, path: String) async -> GatewayResponse {
        switch authenticator.check(token(head)) {
        case .failure(let problem):
            return tokenError(problem, path: path)
        case .success(let claims):
            do {
                try await authenticator.logout(claims)
            } catch {
                return .error(.internalServerError, Diagnostic(MessageCatalog.gatewayLogoutFailed, ["path": path, "reason": error.description]))
            }
            var headers = HTTPHeaders()
            headers.add(name: "Set-Cookie", value: "\(Authenticator.cookieName)=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
            return GatewayResponse(status: .noContent, headers: headers)
        }
    }
}

/// `/gateway/api/v1/services`: what the gateway routes, per service.
enum ServicesDocument {
    struct Instance: Encodable {
        let status: String
        let hostname: String
        let port: Int
        let protocolName: String
        let homePageUrl: String

        enum CodingKeys: String, CodingKey {
            case status, hostname, port, homePageUrl
            case protocolName = "protocol"
        }
    }

    struct Route: Encodable {
        let gatewayUrl: String
        let serviceUrl: String
    }

    struct Service: Encodable {
        struct APIML: Encodable {
            struct Info: Encodable {
                let title: String
                let description: String
                let homePageUrl: String
            }
            let service: Info
            let routes: [Route]
            let authentication: [String: String]
            let enableUrlEncodedCharacters: Bool
        }
        let serviceId: String
        let status: String
        let apiml: APIML
        let instances: [String: Instance]

        init(_ service: RoutedService) {
            serviceId = service.serviceID
            let statuses = Set(service.instances.map(\.status))
            status = statuses.contains("UP") ? "UP" : (statuses.count == 1 ? statuses.first! : "DOWN")
            apiml = APIML(
                service: .init(title: service.title, description: service.description, homePageUrl: service.homePageURL),
                routes: service.routes.map { Route(gatewayUrl: $0.gatewayURL, serviceUrl: $0.servicePrefix.isEmpty ? "/" : $0.servicePrefix) },
                authentication: ["scheme": service.authenticationScheme],
                enableUrlEncodedCharacters: service.allowsEncodedCharacters)
            var instances: [String: Instance] = [:]
            for (instance, registered) in zip(service.instances, service.registered) {
                instances[instance.instanceID] = Instance(
                    status: instance.status, hostname: instance.host, port: instance.port,
                    protocolName: instance.secure ? "https" : "http", homePageUrl: registered.homePageURL)
            }
            self.instances = instances
        }
    }

    static func list(_ table: RouteTable) -> [Service] {
        table.services.values.sorted { $0.serviceID < $1.serviceID }.map(Service.init)
    }
}
