import Foundation
import Testing
import ZweTestSupport

/// A `zwe zosmf-stub` started by a test: the built program on a free port with its own data
/// directory, talked to with curl over HTTPS that trusts only the stub's own certificate.
struct StubProcess {
    let running: Running
    let port: Int
    let data: String

    static var zwe: String { Programs.binDirectory + "/zwe" }
    static let user = "IBMUSER:SYS1"

    var ca: String { data + "/zosmf.cer" }
    var jobsURL: String { "https://localhost:\(port)/zosmf/restjobs/jobs" }
    var pid: Int32 { running.pid }

    /// Starts the stub and waits for its "listening" message (ZWEL1850I).
    static func start(data: String? = nil, port: Int? = nil, _ extra: [String] = []) async throws -> StubProcess {
        let data = try data ?? TemporaryPaths.makeDirectory("zosmf-stub")
        let port = port ?? freePort()
        let running = try Running(zwe, ["zosmf-stub", "--port", "\(port)", "--data", data] + extra, environment: environment)
        guard await running.waitFor("ZWEL1850I", timeout: .seconds(30)) != nil else {
            let output = running.output
            running.stop()
            throw TestFailure("the stub did not start listening\n\(output)")
        }
        return StubProcess(running: running, port: port, data: data)
    }

    static var environment: [String: String] {
        ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "SWIFT_BACKTRACE": "enable=no"]
    }

    /// SIGKILL, for `defer` and for the crash tests; the data directory stays.
    func kill() { running.stop() }

    /// SIGTERM; the exit status, or nil when it did not end in time.
    func terminate(timeout: Duration = .seconds(15)) async -> Int32? {
        running.signal(SIGTERM)
        return await running.waitForExit(timeout: timeout)
    }

    /// One request with curl: Basic credentials of IBMUSER unless `user` says otherwise (nil:
    /// none), X-CSRF-ZOSMF-HEADER on changes unless `csrf` is false.
    func call(
        _ method: String, _ url: String, body: String? = nil, user: String? = StubProcess.user, csrf: Bool = true,
        headers: [String] = [], extra: [String] = []
    ) async throws -> (status: Int, body: String) {
        var arguments = ["--request", method]
        if let user { arguments += ["--user", user] }
        if csrf && method != "GET" { arguments += ["--header", "X-CSRF-ZOSMF-HEADER: true"] }
        for header in headers { arguments += ["--header", header] }
        if let body {
            if !headers.contains(where: { $0.lowercased().hasPrefix("content-type") }) {
                arguments += ["--header", "Content-Type: text/plain"]
            }
            arguments += ["--data-binary", body]
        }
        let answer = try await curl(url, ca: ca, extra: arguments + extra)
        if answer.result.status != 0 { throw TestFailure("curl \(method) \(url): \(answer.result)") }
        return (answer.status, answer.body)
    }

    /// `PUT jobs` with JCL; the job document of the 201.
    func submit(_ jcl: String, user: String = StubProcess.user) async throws -> [String: Any] {
        let answer = try await call("PUT", jobsURL, body: jcl, user: user)
        guard answer.status == 201, let job = jsonObject(answer.body) as? [String: Any] else {
            throw TestFailure("submit: HTTP \(answer.status) \(answer.body)")
        }
        return job
    }

    /// The job document, once it is OUTPUT.
    func waitForOutput(_ name: String, _ id: String, timeout: Duration = .seconds(15)) async throws -> [String: Any] {
        let found = try await eventually(timeout: timeout, every: .milliseconds(50)) { () async throws -> [String: Any]? in
            let answer = try await call("GET", "\(jobsURL)/\(name)/\(id)")
            guard answer.status == 200, let job = jsonObject(answer.body) as? [String: Any] else { return nil }
            return job["status"] as? String == "OUTPUT" ? job : nil
        }
        guard let found else { throw TestFailure("\(name)(\(id)) did not reach OUTPUT\n\(running.output)") }
        return found
    }

    /// The spool files of a job: ddname to records.
    func spool(_ name: String, _ id: String) async throws -> [(ddname: String, stepname: String, records: [String], document: [String: Any])] {
        let answer = try await call("GET", "\(jobsURL)/\(name)/\(id)/files")
        guard answer.status == 200, let files = jsonObject(answer.body) as? [[String: Any]] else {
            throw TestFailure("files of \(name)(\(id)): HTTP \(answer.status) \(answer.body)")
        }
        var result: [(String, String, [String], [String: Any])] = []
        for file in files {
            let number = file["id"] as? Int ?? -1
            let records = try await call("GET", "\(jobsURL)/\(name)/\(id)/files/\(number)/records")
            guard records.status == 200 else { throw TestFailure("records \(number): HTTP \(records.status) \(records.body)") }
            result.append((file["ddname"] as? String ?? "", file["stepname"] as? String ?? "", Self.lines(records.body), file))
        }
        return result
    }

    /// A text/plain answer's records: each ends with a line end.
    static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// An IEBGENER job that copies `data` from SYSUT1 to a SYSOUT SYSUT2.
func generateJCL(_ name: String, _ data: [String]) -> String {
    """
    //\(name) JOB (ACCT),'ZOSMF TEST',CLASS=A,MSGCLASS=X
    //COPY     EXEC PGM=IEBGENER
    //SYSPRINT DD SYSOUT=*
    //SYSIN    DD DUMMY
    //SYSUT1   DD *
    \(data.joined(separator: "\n"))
    /*
    //SYSUT2   DD SYSOUT=*

    """
}

func jcl(_ lines: String...) -> String { lines.joined(separator: "\n") + "\n" }
