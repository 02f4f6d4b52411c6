import Foundation
import Hummingbird
import Logging
import NIOCore

/// The stub's HTTP face: `/zosmf/info`, `/zosmf/services/authenticate` and
/// `/zosmf/restjobs/jobs/...`, dispatched on the raw path (a router would split `NAME%2FID` on
/// the wrong slash or not at all). Every change needs X-CSRF-ZOSMF-HEADER; everything but
/// `/zosmf/info` needs a user; every error is z/OSMF's JSON.
struct ZOSMFResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let jes: JobEntrySubsystem
    let authentication: RequestAuthentication
    let directory: DataDirectory
    /// The name and port the stub's URLs use.
    let hostname: String
    let port: Int
    let logger: Logger

    /// The largest body taken (JCL, a modify request).
    static let maximumBody = 8 << 20

    var base: String { "https://\(hostname):\(port)/zosmf/restjobs/jobs" }

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = Substring(request.uri.path)
        let response: Response
        do throws(ZOSMFError) {
            response = try await dispatch(request, path: path)
        } catch {
            response = Self.error(error)
        }
        if logger.logLevel <= .debug {
            logger.debug("\(request.method.rawValue) \(request.uri) \(response.status.code)")
        }
        return response
    }

    private func dispatch(_ request: Request, path: Substring) async throws(ZOSMFError) -> Response {
        if path == "/zosmf/info" {
            guard request.method == .get else { throw ZOSMFError.methodNotAllowed(request.method.rawValue, String(path)) }
            return Self.json(.ok, InfoDocument(hostname: hostname, port: port))
        }
        guard path.hasPrefix("/zosmf/") else { throw ZOSMFError.notFound(String(path)) }
        try RequestAuthentication.checkCrossSite(request)
        if path == "/zosmf/services/authenticate" {
            return try authenticate(request)
        }
        let user = try authentication.user(of: request)
        let jobsPrefix = "/zosmf/restjobs/jobs"
        guard path.hasPrefix(jobsPrefix), path.count == jobsPrefix.count || path.dropFirst(jobsPrefix.count).hasPrefix("/") else {
            throw ZOSMFError.notFound(String(path))
        }
        let rest = path.dropFirst(jobsPrefix.count)
        guard let target = RestJobsTarget.parse(rest) else {
            throw ZOSMFError.noMatch(method: request.method.rawValue, path: String(rest))
        }
        let method = request.method
        switch (target, method) {
        case (.jobs, .get): return try await list(request, user: user)
        case (.jobs, .put): return try await submit(request, user: user)
        case (.job(let reference), .get):
            let job = try await resolve(reference)
            return Self.json(.ok, JobDocument(job: job, base: base, execData: Self.flag(request, "exec-data")))
        case (.job(let reference), .put): return try await modify(request, reference: reference, user: user)
        case (.job(let reference), .delete): return try await purge(request, reference: reference)
        case (.files(let reference), .get):
            let job = try await resolve(reference)
            return Self.json(.ok, job.spool.map { SpoolFileDocument(file: $0, job: job, base: base) })
        case (.records(let reference, let file), .get): return try await records(request, reference: reference, file: file)
        default:
            throw ZOSMFError.noMatch(method: method.rawValue, path: String(rest))
        }
    }

    // MARK: - Authentication

    /// POST: Basic credentials for a session cookie. DELETE: ends the session of the cookie.
    private func authenticate(_ request: Request) throws(ZOSMFError) -> Response {
        switch request.method {
        case .post:
            guard let (user, password) = RequestAuthentication.basicCredentials(request) else {
                throw ZOSMFError.unauthorized("Authentication is required: send Basic credentials to get a jwtToken")
            }
            guard let id = authentication.users.check(user: user, password: password) else {
                throw ZOSMFError.unauthorized("The user id or password is not valid")
            }
            let token: String
            do throws(DiskError) {
                token = try authentication.sessions.open(for: id)
            } catch {
                throw ZOSMFError.server(error.description)
            }
            var headers = HTTPFields()
            headers[.setCookie] = "\(SessionTokens.cookieName)=\(token); Path=/; Secure; HttpOnly"
            headers[.contentLength] = "0"
            return Response(status: .ok, headers: headers)
        case .delete:
            guard let token = RequestAuthentication.sessionToken(request) else {
                throw ZOSMFError.unauthorized("No jwtToken cookie: there is no session to end")
            }
            let ended: Bool
            do throws(DiskError) {
                ended = try authentication.sessions.close(token)
            } catch {
                throw ZOSMFError.server(error.description)
            }
            guard ended else { throw ZOSMFError.unauthorized("The jwtToken is not valid or has expired") }
            var headers = HTTPFields()
            headers[.setCookie] = "\(SessionTokens.cookieName)=; Path=/; Secure; HttpOnly; Max-Age=0"
            return Response(status: .noContent, headers: headers)
        default:
            throw ZOSMFError.methodNotAllowed(request.method.rawValue, "/zosmf/services/authenticate")
        }
    }

    // MARK: - Jobs

    /// `GET jobs?owner=&prefix=&jobid=&status=&max-jobs=&exec-data=`: the caller's jobs unless
    /// `owner` says otherwise (`*`: everyone's); `owner`, `prefix` and `jobid` are patterns in
    /// which `*` stands for any characters and `?` for one.
    private func list(_ request: Request, user: String) async throws(ZOSMFError) -> Response {
        let query = request.uri.queryParameters
        func parameter(_ name: String) -> String? {
            query[Substring(name)].map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let owner = (parameter("owner") ?? user).uppercased()
        let prefix = (parameter("prefix") ?? "*").uppercased()
        let jobid = parameter("jobid")?.uppercased()
        var maximum = 1000
        if let text = parameter("max-jobs") {
            guard let value = Int(text), (1...1000).contains(value) else { throw ZOSMFError.invalidQuery("max-jobs") }
            maximum = value
        }
        var status: JobStatus?
        if let text = parameter("status"), text != "*" {
            guard let value = JobStatus(rawValue: text.uppercased()) else { throw ZOSMFError.invalidQuery("status") }
            status = value
        }
        for (name, value) in [("owner", owner), ("prefix", prefix), ("jobid", jobid ?? "*")] where value.count > 8 || value.contains(" ") {
            throw ZOSMFError.invalidQuery(name)
        }
        let execData = Self.flag(request, "exec-data")
        let jobs = await jes.allJobs().filter { job in
            JobPattern.matches(owner, job.owner) && JobPattern.matches(prefix, job.name)
                && (jobid.map { JobPattern.matches($0, job.jobid) } ?? true) && (status.map { $0 == job.status } ?? true)
        }
        return Self.json(.ok, jobs.prefix(maximum).map { JobDocument(job: $0, base: base, execData: execData) })
    }

    /// `PUT jobs`: JCL as text/plain (any type but JSON), or JSON `{"file": ...}`; 201 with the job.
    private func submit(_ request: Request, user: String) async throws(ZOSMFError) -> Response {
        let body = try await Self.body(request)
        var jcl = body
        if (request.headers[.contentType] ?? "").lowercased().contains("json") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
                  let file = object["file"] as? String, !file.isEmpty else {
                throw ZOSMFError.missingContent("file")
            }
            jcl = try JobSubmission.read(file: file, directory: directory)
        }
        var recordLength = JobSubmission.defaultRecordLength
        if let text = request.headers[HTTPFields.Element.Name("X-IBM-Intrdr-Lrecl")!] {
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), (1...32_760).contains(value) else {
                throw ZOSMFError(status: .badRequest, rc: 4, reason: 2, category: 6,
                                 message: "Incorrect Internal Reader parameters: X-IBM-Intrdr-Lrecl \(text)")
            }
            recordLength = value
        }
        let card = try JobSubmission.check(jcl, recordLength: recordLength)
        let job: Job
        do {
            job = try await jes.submit(jcl: jcl, card: card, owner: user)
        } catch {
            throw ZOSMFError.server("\(error)")
        }
        return Self.json(.created, JobDocument(job: job, base: base, execData: false))
    }

    /// `PUT jobs/{job}` with `{"request": "cancel"|"hold"|"release"}` or `{"class": "X"}`, and
    /// `"version"`: "2.0" answers when it is done (200), "1.0" (the default) as accepted (202).
    private func modify(_ request: Request, reference: JobReference, user: String) async throws(ZOSMFError) -> Response {
        let body = try await Self.body(request)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw ZOSMFError.invalidUpdate()
        }
        let version = (object["version"] as? String) ?? "1.0"
        guard ["1.0", "2.0"].contains(version) else { throw ZOSMFError.invalidUpdate() }
        let job = try await resolve(reference)
        let changed: Job?
        do {
            if let command = object["request"] as? String {
                switch command.lowercased() {
                case "cancel": changed = try await jes.cancel(job.number, by: user)
                case "hold": changed = try await jes.hold(job.number)
                case "release": changed = try await jes.release(job.number)
                default: throw ZOSMFError.invalidUpdate()
                }
            } else if let jobClass = object["class"] as? String {
                guard jobClass.count == 1, jobClass.uppercased().allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
                    throw ZOSMFError.invalidUpdate()
                }
                changed = try await jes.changeClass(job.number, to: jobClass.uppercased())
            } else {
                throw ZOSMFError.invalidUpdate()
            }
        } catch let error as ZOSMFError {
            throw error
        } catch {
            throw ZOSMFError.server("\(error)")
        }
        guard let changed else { throw ZOSMFError.jobNotFound(reference.text) }
        return Self.json(version == "2.0" ? .ok : .accepted, JobFeedback(job: changed))
    }

    /// `DELETE jobs/{job}`: cancel and purge; `X-IBM-Job-Modify-Version: 2.0` answers 200 when done.
    private func purge(_ request: Request, reference: JobReference) async throws(ZOSMFError) -> Response {
        let job = try await resolve(reference)
        let purged: Job?
        do {
            purged = try await jes.purge(job.number)
        } catch {
            throw ZOSMFError.server("\(error)")
        }
        guard let purged else { throw ZOSMFError.jobNotFound(reference.text) }
        let version = request.headers[HTTPFields.Element.Name("X-IBM-Job-Modify-Version")!]?.trimmingCharacters(in: .whitespaces)
        return Self.json(version == "2.0" ? .ok : .accepted, JobFeedback(job: purged))
    }

    /// `GET .../files/{n}/records` (or `files/JCL/records`): the records as text, one per line;
    /// `X-IBM-Record-Range: start-end` or `start,count` (from 0) picks some.
    private func records(_ request: Request, reference: JobReference, file: String) async throws(ZOSMFError) -> Response {
        let job = try await resolve(reference)
        let stored: [UInt8]?
        do {
            if file.uppercased() == "JCL" {
                stored = try await jes.jcl(job.number)
            } else {
                guard let id = Int(file) else { throw ZOSMFError.noSpoolFile(job.reference, file) }
                stored = try await jes.records(job.number, file: id)
            }
        } catch let error as ZOSMFError {
            throw error
        } catch {
            throw ZOSMFError.server("\(error)")
        }
        guard let stored else { throw ZOSMFError.noSpoolFile(job.reference, file) }
        var lines = JobEntrySubsystem.records(of: stored)
        if let range = request.headers[HTTPFields.Element.Name("X-IBM-Record-Range")!] {
            lines = try Self.select(lines, range: range)
        }
        var text = lines.joined(separator: "\n")
        if !lines.isEmpty { text += "\n" }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=UTF-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private static func select(_ lines: [String], range: String) throws(ZOSMFError) -> [String] {
        let text = range.trimmingCharacters(in: .whitespaces)
        let parts: [Substring]
        let isCount = text.contains(",")
        parts = text.split(separator: isCount ? "," : "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let second = Int(parts[1].trimmingCharacters(in: .whitespaces)), start >= 0, second >= 0,
              isCount || second >= start else {
            throw ZOSMFError.invalidRecordRange(range)
        }
        let end = isCount ? start + second : second + 1
        guard start < lines.count else { return [] }
        return Array(lines[start..<min(end, lines.count)])
    }

    /// The job a reference names; z/OSMF's 400 when there is none.
    private func resolve(_ reference: JobReference) async throws(ZOSMFError) -> Job {
        switch reference {
        case .named(let name, let id):
            guard let number = JobNumbering.number(ofJobid: id), let job = await jes.job(number), job.name == name else {
                throw ZOSMFError.jobNotFound(reference.text)
            }
            return job
        case .correlator(let correlator):
            guard let job = await jes.job(correlator: correlator) else { throw ZOSMFError.jobNotFound(reference.text) }
            return job
        }
    }

    // MARK: - Bodies and answers

    private static func body(_ request: Request) async throws(ZOSMFError) -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: maximumBody)
            return Array(buffer.readableBytesView)
        } catch {
            throw ZOSMFError.tooLarge(maximumBody)
        }
    }

    private static func flag(_ request: Request, _ name: String) -> Bool {
        request.uri.queryParameters[Substring(name)].map { $0.uppercased() == "Y" } ?? false
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=UTF-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ error: ZOSMFError) -> Response {
        var response = json(error.status, ErrorDocument(error: error))
        if error.status == .unauthorized {
            response.headers[.wwwAuthenticate] = "Basic realm=\"SAFRealm\""
        }
        return response
    }
}

/// The patterns of the list filters: `*` any characters, `?` one; otherwise the whole name.
enum JobPattern {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        matches(Array(pattern), 0, Array(text), 0)
    }

    private static func matches(_ pattern: [Character], _ p: Int, _ text: [Character], _ t: Int) -> Bool {
        if p == pattern.count { return t == text.count }
        switch pattern[p] {
        case "*":
            for next in t...text.count where matches(pattern, p + 1, text, next) { return true }
            return false
        case "?":
            return t < text.count && matches(pattern, p + 1, text, t + 1)
        default:
            return t < text.count && pattern[p] == text[t] && matches(pattern, p + 1, text, t + 1)
        }
    }
}
