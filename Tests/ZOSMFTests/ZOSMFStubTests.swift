import Foundation
import Synchronization
import Testing
import ZweTestSupport

/// The built `zwe zosmf-stub`, each test with its own stub on a free port and its own data
/// directory, talked to with curl as a client of z/OSMF would. One at a time: each starts a
/// server, and the machines have two cores.
@Suite("zwe zosmf-stub", .serialized)
struct ZOSMFStubTests {
    @Test("/zosmf/info without credentials; Basic or the jwtToken cookie on everything else; 401s; logout ends the cookie")
    func authentication() async throws {
        let data = try TemporaryPaths.makeDirectory("zosmf-auth")
        let usersFile = data + ".users"
        TemporaryPaths.remember(usersFile)
        // "secret" as SHA-256, and a plain password.
        try """
            # test users
            ibmuser:SYS1
            user2:{SHA256}2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b
            """.write(toFile: usersFile, atomically: true, encoding: .utf8)
        let stub = try await StubProcess.start(data: data, ["--users", usersFile])
        defer { stub.kill() }

        let info = try await stub.call("GET", "https://localhost:\(stub.port)/zosmf/info", user: nil)
        #expect(info.status == 200)
        let document = try #require(jsonObject(info.body) as? [String: Any])
        #expect(document["zosmf_hostname"] as? String == "localhost")
        #expect(document["zosmf_port"] as? String == "\(stub.port)")
        #expect(document["zosmf_saf_realm"] as? String == "SAFRealm")
        for key in ["zos_version", "zosmf_version", "zosmf_full_version", "api_version", "plugins"] {
            #expect(document[key] != nil, "\(key) missing")
        }

        // No credentials, wrong password, unknown user: 401 with z/OSMF's error fields.
        for user in [nil, "IBMUSER:wrong", "NOBODY:SYS1", "USER2:SYS1"] as [String?] {
            let answer = try await stub.call("GET", stub.jobsURL, user: user)
            #expect(answer.status == 401, "\(user ?? "no user")")
            let error = jsonObject(answer.body) as? [String: Any]
            for key in ["rc", "reason", "category", "message"] { #expect(error?[key] != nil, "\(key) in \(answer.body)") }
        }
        #expect(try await stub.call("GET", stub.jobsURL, user: "user2:secret").status == 200)
        #expect(try await stub.call("GET", stub.jobsURL, user: "IBMUSER:SYS1").status == 200)

        // POST authenticate: CSRF header required, then the cookie.
        let authenticate = "https://localhost:\(stub.port)/zosmf/services/authenticate"
        #expect(try await stub.call("POST", authenticate, csrf: false).status == 403)
        #expect(try await stub.call("POST", authenticate, user: "IBMUSER:nope").status == 401)
        let jar = data + "/cookies.txt"
        let headers = data + "/headers.txt"
        let login = try await stub.call("POST", authenticate, extra: ["--cookie-jar", jar, "--dump-header", headers])
        #expect(login.status == 200)
        let setCookie = try String(contentsOfFile: headers, encoding: .utf8).split(whereSeparator: \.isNewline)
            .first { $0.lowercased().hasPrefix("set-cookie: jwttoken=") }.map(String.init) ?? ""
        #expect(setCookie.contains("Secure") && setCookie.contains("HttpOnly"), "\(setCookie)")
        let token = setCookie.dropFirst("set-cookie: jwtToken=".count).prefix { $0 != ";" }
        #expect(token.count >= 40, "a token of 32 random bytes: \(token)")

        // The cookie alone authenticates; the job owner is the cookie's user.
        let withCookie = try await stub.call("GET", stub.jobsURL, user: nil, extra: ["--cookie", jar])
        #expect(withCookie.status == 200)
        let owned = try await stub.call("PUT", stub.jobsURL, body: jcl("//COOKIE JOB", "//S EXEC PGM=IEFBR14"), user: nil, extra: ["--cookie", jar])
        #expect(owned.status == 201)
        #expect((jsonObject(owned.body) as? [String: Any])?["owner"] as? String == "IBMUSER")
        #expect(try await stub.call("GET", stub.jobsURL, user: nil, headers: ["Cookie: jwtToken=made-up-token"]).status == 401)

        // DELETE ends the session; the cookie no longer works.
        #expect(try await stub.call("DELETE", authenticate, user: nil, csrf: false, extra: ["--cookie", jar]).status == 403)
        #expect(try await stub.call("DELETE", authenticate, user: nil, extra: ["--cookie", jar]).status == 204)
        #expect(try await stub.call("GET", stub.jobsURL, user: nil, headers: ["Cookie: jwtToken=\(token)"]).status == 401)
        // sessions.json holds no token, only its hash.
        let sessions = (try? String(contentsOfFile: data + "/sessions.json", encoding: .utf8)) ?? ""
        #expect(!sessions.contains(String(token)))
    }

    @Test("Jobs run INPUT -> ACTIVE -> OUTPUT: IEFBR14 and IEBGENER CC 0000 (SYSUT2 = SYSUT1), unknown program ABEND S806, bad JCL JCL ERROR; bad submissions 400; changes need X-CSRF-ZOSMF-HEADER")
    func jobsRun() async throws {
        // A long ACTIVE phase: the test polls with curl, which can take seconds to start on a
        // machine that runs the whole suite on two cores.
        let stub = try await StubProcess.start(["--input-delay-ms", "300", "--active-delay-ms", "5000"])
        defer { stub.kill() }

        // IEBGENER, watched through its phases.
        let data = ["HELLO FROM SYSUT1", "  leading blanks", "trailing blanks   ", "", "Mixed & <special> 'quotes' %2F \\ $#@"]
        let submitted = try await stub.submit(generateJCL("GENJOB", data))
        #expect(submitted["status"] as? String == "INPUT")
        #expect(submitted["retcode"] is NSNull)
        #expect(submitted["owner"] as? String == "IBMUSER")
        #expect(submitted["type"] as? String == "JOB" && submitted["subsystem"] as? String == "JES2" && submitted["class"] as? String == "A")
        for key in ["jobid", "jobname", "url", "files-url", "job-correlator", "phase", "phase-name"] {
            #expect(submitted[key] != nil, "\(key)")
        }
        let id = try #require(submitted["jobid"] as? String)
        #expect(id.hasPrefix("JOB") && id.count == 8)
        let sawActive = try await eventually(timeout: .seconds(10), every: .milliseconds(40)) { () async throws -> Bool? in
            let job = jsonObject(try await stub.call("GET", "\(stub.jobsURL)/GENJOB/\(id)").body) as? [String: Any]
            return job?["status"] as? String == "ACTIVE" ? true : nil
        }
        #expect(sawActive == true, "never saw ACTIVE")
        let ended = try await stub.waitForOutput("GENJOB", id)
        #expect(ended["retcode"] as? String == "CC 0000")
        #expect(ended["phase-name"] as? String == "Job is on the hard copy queue")
        let spool = try await stub.spool("GENJOB", id)
        #expect(spool.map(\.ddname) == ["JESMSGLG", "JESJCL", "JESYSMSG", "SYSPRINT", "SYSUT2"])
        let copy = try #require(spool.first { $0.ddname == "SYSUT2" })
        #expect(copy.records == data, "SYSUT2 holds the SYSUT1 records unchanged")
        #expect(copy.stepname == "COPY")
        #expect(copy.document["record-count"] as? Int == data.count)
        for key in ["id", "ddname", "stepname", "procstep", "class", "byte-count", "record-count", "records-url", "recfm", "lrecl", "jobid", "jobname"] {
            #expect(copy.document[key] != nil, "\(key)")
        }
        #expect(spool[0].records.contains { $0.contains("$HASP395 GENJOB   ENDED") })
        #expect(spool[1].records.contains { $0.contains("//COPY     EXEC PGM=IEBGENER") })
        #expect(spool[2].records.contains { $0.contains("IEF142I GENJOB COPY - STEP WAS EXECUTED - COND CODE 0000") })
        let jclRecords = try await stub.call("GET", "\(stub.jobsURL)/GENJOB/\(id)/files/JCL/records")
        #expect(StubProcess.lines(jclRecords.body) == StubProcess.lines(generateJCL("GENJOB", data)))

        // IEFBR14, an unknown program, a misspelt statement, a bad JOB card.
        let br14 = try await stub.submit(jcl("//BR14 JOB ,'X'", "//STEP1 EXEC PGM=IEFBR14", "//OUT DD SYSOUT=A"))
        let missing = try await stub.submit(jcl("//ABEND806 JOB", "//STEP1 EXEC PGM=NOSUCHPG", "//STEP2 EXEC PGM=IEFBR14"))
        let misspelt = try await stub.submit(jcl("//BADSTMT JOB", "//STEP1 EXCE PGM=IEFBR14"))
        let badCard = try await stub.submit(jcl("//badcard JOB CLASS=AB,FOO=1", "//STEP1 EXEC PGM=IEFBR14"))
        func outcome(_ job: [String: Any]) async throws -> [String: Any] {
            try await stub.waitForOutput(job["jobname"] as? String ?? "", job["jobid"] as? String ?? "")
        }
        let br14Ended = try await outcome(br14)
        #expect(br14Ended["retcode"] as? String == "CC 0000")
        #expect(try await stub.spool("BR14", br14["jobid"] as! String).map(\.ddname) == ["JESMSGLG", "JESJCL", "JESYSMSG", "OUT"])
        let abended = try await outcome(missing)
        #expect(abended["retcode"] as? String == "ABEND S806")
        let abendSpool = try await stub.spool("ABEND806", missing["jobid"] as! String)
        #expect(abendSpool[2].records.contains { $0.contains("CSV003I REQUESTED MODULE NOSUCHPG NOT FOUND") })
        #expect(abendSpool[2].records.contains { $0.contains("IEF272I ABEND806 STEP2 - STEP WAS NOT EXECUTED") })
        for job in [misspelt, badCard] {
            let ended = try await outcome(job)
            #expect(ended["retcode"] as? String == "JCL ERROR", "\(job["jobname"] ?? "")")
        }
        let errorSpool = try await stub.spool("BADSTMT", misspelt["jobid"] as! String)
        #expect(errorSpool[0].records.contains { $0.contains("IEFC452I BADSTMT - JOB NOT RUN - JCL ERROR") })
        #expect(errorSpool[2].records.contains { $0.contains("IEFC605I UNIDENTIFIED OPERATION FIELD") })
        let cardSpool = try await stub.spool("BADCARD", badCard["jobid"] as! String)
        #expect(cardSpool[2].records.contains { $0.contains("IEFC662I INVALID LABEL") })
        #expect(cardSpool[2].records.contains { $0.contains("IEFC630I UNIDENTIFIED KEYWORD FOO") })

        // Job ids count up and are never reused.
        let ids = [id, br14["jobid"], missing["jobid"], misspelt["jobid"], badCard["jobid"]].compactMap { $0 as? String }
        #expect(ids == ids.sorted() && Set(ids).count == ids.count)

        // Submissions that are not jobs: z/OSMF's 400s, no job made.
        let refusals: [(String, Int)] = [
            ("HELLO\n", 17),                                  // does not start with a slash
            ("//STEP1 EXEC PGM=IEFBR14\n", 13),               // no JOB statement
            ("//LONG JOB\n//S EXEC PGM=IEFBR14," + String(repeating: "X", count: 80) + "\n", 9),  // record over 80
        ]
        for (text, reason) in refusals {
            let answer = try await stub.call("PUT", stub.jobsURL, body: text)
            #expect(answer.status == 400, "\(text)")
            let error = jsonObject(answer.body) as? [String: Any]
            #expect(error?["reason"] as? Int == reason && error?["rc"] as? Int == 4 && error?["category"] as? Int == 6, "\(answer.body)")
        }
        // Without X-CSRF-ZOSMF-HEADER, a change is refused and nothing happens.
        let before = try await stub.call("GET", "\(stub.jobsURL)?owner=*")
        let refused = try await stub.call("PUT", stub.jobsURL, body: jcl("//NOCSRF JOB", "//S EXEC PGM=IEFBR14"), csrf: false)
        #expect(refused.status == 403)
        #expect((jsonObject(refused.body) as? [String: Any])?["message"] as? String != nil)
        #expect(try await stub.call("DELETE", "\(stub.jobsURL)/BR14/\(br14["jobid"] as! String)", csrf: false).status == 403)
        let after = try await stub.call("GET", "\(stub.jobsURL)?owner=*")
        #expect((jsonObject(before.body) as? [Any])?.count == (jsonObject(after.body) as? [Any])?.count)
    }

    @Test("Job references: NAME/ID, NAME%2FID, the correlator of `url`; list filters owner, prefix, jobid, status, max-jobs")
    func referencesAndFilters() async throws {
        let data = try TemporaryPaths.makeDirectory("zosmf-filters")
        let usersFile = data + ".users"
        TemporaryPaths.remember(usersFile)
        try "IBMUSER:SYS1\nOTHER:pass\n".write(toFile: usersFile, atomically: true, encoding: .utf8)
        let stub = try await StubProcess.start(data: data, ["--users", usersFile, "--input-delay-ms", "0", "--active-delay-ms", "0"])
        defer { stub.kill() }

        let first = try await stub.submit(generateJCL("ALPHA1", ["A"]))
        let second = try await stub.submit(generateJCL("ALPHA2", ["B"]))
        let third = try await stub.submit(jcl("//BETA JOB", "//S EXEC PGM=IEFBR14"), user: "OTHER:pass")
        let firstID = try #require(first["jobid"] as? String)
        _ = try await stub.waitForOutput("ALPHA1", firstID)
        _ = try await stub.waitForOutput("ALPHA2", second["jobid"] as! String)

        // The same job, four ways.
        let forms = [
            "\(stub.jobsURL)/ALPHA1/\(firstID)", "\(stub.jobsURL)/ALPHA1%2F\(firstID)", "\(stub.jobsURL)/alpha1/\(firstID.lowercased())",
            try #require(first["url"] as? String),
        ]
        for url in forms {
            let answer = try await stub.call("GET", url)
            #expect(answer.status == 200, "\(url)")
            #expect((jsonObject(answer.body) as? [String: Any])?["jobid"] as? String == firstID, "\(url)")
        }
        let filesForms = ["\(stub.jobsURL)/ALPHA1%2F\(firstID)/files", try #require(first["files-url"] as? String)]
        for url in filesForms {
            let files = jsonObject(try await stub.call("GET", url).body) as? [[String: Any]]
            #expect(files?.count == 5, "\(url)")
        }
        let correlatorRecords = try await stub.call("GET", (first["url"] as! String) + "/files/103/records")
        #expect(correlatorRecords.body == "A\n")
        let encodedRecords = try await stub.call("GET", "\(stub.jobsURL)/ALPHA1%2F\(firstID)%2Ffiles%2F103%2Frecords")
        #expect(encodedRecords.body == "A\n")
        // A range of records (X-IBM-Record-Range, from 0).
        let log = try await stub.call("GET", "\(stub.jobsURL)/ALPHA1/\(firstID)/files/2/records", headers: ["X-IBM-Record-Range: 0-1"])
        #expect(StubProcess.lines(log.body).count == 2)

        // Not found: z/OSMF's 400 with its message.
        let missing = try await stub.call("GET", "\(stub.jobsURL)/ALPHA1/JOB99999")
        #expect(missing.status == 400)
        #expect((jsonObject(missing.body) as? [String: Any])?["message"] as? String == "No job found for reference: 'ALPHA1(JOB99999)'")
        let wrongName = try await stub.call("GET", "\(stub.jobsURL)/BETA/\(firstID)")
        #expect(wrongName.status == 400)
        let noFile = try await stub.call("GET", "\(stub.jobsURL)/ALPHA1/\(firstID)/files/999/records")
        #expect(noFile.status == 400)
        #expect((jsonObject(noFile.body) as? [String: Any])?["message"] as? String == "Job 'ALPHA1(\(firstID))' does not contain spool file id 999")

        func names(_ query: String, user: String = StubProcess.user) async throws -> [String] {
            let answer = try await stub.call("GET", "\(stub.jobsURL)\(query)", user: user)
            #expect(answer.status == 200, "\(query): \(answer.body)")
            return ((jsonObject(answer.body) as? [[String: Any]]) ?? []).compactMap { $0["jobname"] as? String }
        }
        #expect(try await names("") == ["ALPHA1", "ALPHA2"], "the caller's own jobs by default")
        #expect(try await names("", user: "OTHER:pass") == ["BETA"])
        #expect(try await names("?owner=*") == ["ALPHA1", "ALPHA2", "BETA"])
        #expect(try await names("?owner=other") == ["BETA"])
        #expect(try await names("?owner=*&prefix=ALPHA*") == ["ALPHA1", "ALPHA2"])
        #expect(try await names("?owner=*&prefix=alpha") == [], "a prefix without * is the whole name")
        #expect(try await names("?owner=*&prefix=ALPHA2") == ["ALPHA2"])
        #expect(try await names("?owner=*&prefix=*A?") == ["ALPHA1", "ALPHA2"])
        #expect(try await names("?owner=*&max-jobs=2") == ["ALPHA1", "ALPHA2"])
        #expect(try await names("?owner=*&jobid=\(third["jobid"] as! String)") == ["BETA"])
        #expect(try await names("?owner=*&status=output&prefix=ALPHA*") == ["ALPHA1", "ALPHA2"])
        let badMaximum = try await stub.call("GET", "\(stub.jobsURL)?max-jobs=0")
        #expect(badMaximum.status == 400)
        #expect((jsonObject(badMaximum.body) as? [String: Any])?["message"] as? String == "Value of max-jobs query parameter is not valid")
    }

    @Test("Hold (TYPRUN=HOLD), release, cancel before and while running, purge; version 2.0 answers 200, 1.0 202")
    func commands() async throws {
        let stub = try await StubProcess.start(["--input-delay-ms", "50", "--active-delay-ms", "3000"])
        defer { stub.kill() }

        // Held from the JOB card: stays INPUT until released.
        let held = try await stub.submit(jcl("//HELD JOB TYPRUN=HOLD", "//S EXEC PGM=IEFBR14"))
        let heldID = held["jobid"] as! String
        try await Task.sleep(for: .milliseconds(400))
        let stillInput = jsonObject(try await stub.call("GET", "\(stub.jobsURL)/HELD/\(heldID)").body) as? [String: Any]
        #expect(stillInput?["status"] as? String == "INPUT")
        let release = try await stub.call("PUT", "\(stub.jobsURL)/HELD/\(heldID)", body: #"{"request":"release","version":"2.0"}"#,
                                          headers: ["Content-Type: application/json"])
        #expect(release.status == 200)
        let feedback = try #require(jsonObject(release.body) as? [String: Any])
        #expect(feedback["jobid"] as? String == heldID && feedback["status"] as? String == "0")
        for key in ["jobname", "original-jobid", "owner", "member", "sysname", "job-correlator"] { #expect(feedback[key] != nil, "\(key)") }
        let running = try await eventually(timeout: .seconds(5), every: .milliseconds(30)) { () async throws -> Bool? in
            let job = jsonObject(try await stub.call("GET", "\(stub.jobsURL)/HELD/\(heldID)").body) as? [String: Any]
            return job?["status"] as? String == "ACTIVE" ? true : nil
        }
        #expect(running == true)

        // Cancel while ACTIVE: ABEND S222, at once, with a spool.
        let cancel = try await stub.call("PUT", "\(stub.jobsURL)/HELD/\(heldID)", body: #"{"request":"cancel","version":"2.0"}"#,
                                         headers: ["Content-Type: application/json"])
        #expect(cancel.status == 200)
        let cancelled = jsonObject(try await stub.call("GET", "\(stub.jobsURL)/HELD/\(heldID)").body) as? [String: Any]
        #expect(cancelled?["status"] as? String == "OUTPUT")
        #expect(cancelled?["retcode"] as? String == "ABEND S222")

        // Hold then cancel before it runs: CANCELED; version 1.0 (the default) answers 202.
        let waiting = try await stub.submit(jcl("//WAITING JOB TYPRUN=HOLD", "//S EXEC PGM=IEFBR14"))
        let waitingID = waiting["jobid"] as! String
        let hold = try await stub.call("PUT", "\(stub.jobsURL)/WAITING/\(waitingID)", body: #"{"request":"hold"}"#,
                                       headers: ["Content-Type: application/json"])
        #expect(hold.status == 202)
        let cancelInput = try await stub.call("PUT", "\(stub.jobsURL)/WAITING%2F\(waitingID)", body: #"{"request":"cancel"}"#,
                                              headers: ["Content-Type: application/json"])
        #expect(cancelInput.status == 202)
        let cancelledInput = try await stub.waitForOutput("WAITING", waitingID)
        #expect(cancelledInput["retcode"] as? String == "CANCELED")
        let unknownRequest = try await stub.call("PUT", "\(stub.jobsURL)/WAITING/\(waitingID)", body: #"{"request":"explode"}"#,
                                                 headers: ["Content-Type: application/json"])
        #expect(unknownRequest.status == 400)

        // Purge: by correlator (1.0: 202) and by name (2.0: 200); gone afterwards.
        let purgeCorrelator = try await stub.call("DELETE", try #require(waiting["url"] as? String))
        #expect(purgeCorrelator.status == 202)
        #expect(try await stub.call("GET", "\(stub.jobsURL)/WAITING/\(waitingID)").status == 400)
        let purge = try await stub.call("DELETE", "\(stub.jobsURL)/HELD/\(heldID)", headers: ["X-IBM-Job-Modify-Version: 2.0"])
        #expect(purge.status == 200)
        #expect(try await stub.call("GET", "\(stub.jobsURL)/HELD/\(heldID)/files").status == 400)
        #expect(!FileManager.default.fileExists(atPath: "\(stub.data)/jes/jobs/\(heldID)"))
        #expect(try await stub.call("DELETE", "\(stub.jobsURL)/HELD/\(heldID)").status == 400)

        // A purged number is not handed out again.
        let next = try await stub.submit(jcl("//NEXT JOB", "//S EXEC PGM=IEFBR14"))
        let numbers = [heldID, waitingID, next["jobid"] as! String].map { Int($0.dropFirst(3)) ?? 0 }
        #expect(numbers[2] > numbers[1] && numbers[1] > numbers[0])
    }

    @Test("SIGKILL while 50 jobs are submitted one after another: after a restart every job answered 201 is there, OUTPUT, with its whole spool")
    func killedDuringSubmission() async throws {
        let data = try TemporaryPaths.makeDirectory("zosmf-kill")
        let port = freePort()
        let stub = try await StubProcess.start(data: data, port: port, ["--input-delay-ms", "20", "--active-delay-ms", "50"])
        defer { stub.kill() }

        // Submitting and killing at the same time: the kill comes once ten jobs are acknowledged,
        // while the next submissions are on their way, whatever the speed of the machine.
        let acknowledgedCount = Counter()
        let acknowledged = try await withThrowingTaskGroup(of: [(String, String, [String])].self) { group in
            group.addTask {
                var acknowledged: [(String, String, [String])] = []
                for index in 0..<50 {
                    let name = "KILL\(index)"
                    let records = (0..<3).map { "JOB \(index) RECORD \($0)" }
                    guard let answer = try? await stub.call("PUT", stub.jobsURL, body: generateJCL(name, records)),
                          answer.status == 201 else { break }
                    let job = jsonObject(answer.body) as? [String: Any]
                    acknowledged.append((name, job?["jobid"] as? String ?? "", records))
                    acknowledgedCount.increment()
                }
                return acknowledged
            }
            group.addTask {
                while acknowledgedCount.value < 10 {
                    try await Task.sleep(for: .milliseconds(2))
                }
                stub.kill()
                return []
            }
            var all: [(String, String, [String])] = []
            for try await part in group { all += part }
            return all
        }
        #expect(acknowledged.count >= 10, "jobs acknowledged before the kill: \(acknowledged.count)")
        #expect(acknowledged.count < 50, "the kill came too late to test anything")

        let restarted = try await StubProcess.start(data: data, port: port)
        defer { restarted.kill() }
        let listed = jsonObject(try await restarted.call("GET", "\(restarted.jobsURL)?owner=*").body) as? [[String: Any]] ?? []
        let listedIDs = Set(listed.compactMap { $0["jobid"] as? String })
        for (name, id, records) in acknowledged {
            #expect(listedIDs.contains(id), "\(name)(\(id)) was acknowledged but is not listed")
            let job = try await restarted.waitForOutput(name, id)
            #expect(job["retcode"] as? String == "CC 0000", "\(name)")
            let spool = try await restarted.spool(name, id)
            #expect(spool.map(\.ddname) == ["JESMSGLG", "JESJCL", "JESYSMSG", "SYSPRINT", "SYSUT2"], "\(name)")
            #expect(spool.last?.records == records, "\(name)")
            #expect(spool.first?.records.contains { $0.contains("$HASP395") } == true, "\(name): the job log is complete")
        }
        // The next job continues the numbering.
        let next = try await restarted.submit(jcl("//AFTER JOB", "//S EXEC PGM=IEFBR14"))
        let highest = acknowledged.map { Int($0.1.dropFirst(3)) ?? 0 }.max() ?? 0
        #expect(Int((next["jobid"] as? String ?? "").dropFirst(3)) ?? 0 > highest)
    }

    @Test("A job ACTIVE when the stub is killed runs again from its start after the restart and ends with a complete spool")
    func activeJobSurvivesKill() async throws {
        let data = try TemporaryPaths.makeDirectory("zosmf-active")
        let port = freePort()
        let stub = try await StubProcess.start(data: data, port: port, ["--input-delay-ms", "0", "--active-delay-ms", "60000"])
        defer { stub.kill() }
        let records = ["BEFORE THE CRASH", "AND AFTER"]
        let job = try await stub.submit(generateJCL("LONGRUN", records))
        let id = job["jobid"] as! String
        let active = try await eventually(timeout: .seconds(5), every: .milliseconds(30)) { () async throws -> Bool? in
            let document = jsonObject(try await stub.call("GET", "\(stub.jobsURL)/LONGRUN/\(id)").body) as? [String: Any]
            return document?["status"] as? String == "ACTIVE" ? true : nil
        }
        #expect(active == true)
        stub.kill()

        let restarted = try await StubProcess.start(data: data, port: port, ["--active-delay-ms", "100"])
        defer { restarted.kill() }
        #expect(restarted.running.stdout.contains("ZWEL1858W"), "the requeue is logged")
        let ended = try await restarted.waitForOutput("LONGRUN", id)
        #expect(ended["retcode"] as? String == "CC 0000")
        let spool = try await restarted.spool("LONGRUN", id)
        #expect(spool.last?.ddname == "SYSUT2" && spool.last?.records == records)
        #expect(spool.first?.records.contains { $0.contains("RESTARTED FROM ITS FIRST STEP") } == true)
        #expect(await restarted.terminate() == 0, "SIGTERM: a graceful stop")
        #expect(!FileManager.default.fileExists(atPath: data + "/zosmf.pid"))
    }

    @Test("Its own certificate: self-signed, reused while the host name stays, replaced for --hostname wrong.example (which a strict client rejects for localhost); --cert/--key from an external CA")
    func certificates() async throws {
        let data = try TemporaryPaths.makeDirectory("zosmf-cert")
        let first = try await StubProcess.start(data: data)
        let original = try String(contentsOfFile: first.ca, encoding: .utf8)
        #expect(attributes(data + "/zosmf.key").mode & 0o077 == 0, "the key is owner-only")
        #expect(first.running.stdout.contains("ZWEL1851I z/OSMF stub certificate \(data)/zosmf.cer"), "the log says where the certificate is")
        #expect(await first.terminate() == 0)

        let second = try await StubProcess.start(data: data)
        #expect(try String(contentsOfFile: second.ca, encoding: .utf8) == original, "reused")
        #expect(try await second.call("GET", "https://127.0.0.1:\(second.port)/zosmf/info").status == 200, "IP:127.0.0.1 is in the SAN")
        #expect(await second.terminate() == 0)

        let wrong = try await StubProcess.start(data: data, ["--hostname", "wrong.example"])
        defer { wrong.kill() }
        let replaced = try String(contentsOfFile: wrong.ca, encoding: .utf8)
        #expect(replaced != original)
        #expect(wrong.running.stdout.contains("ZWEL1857W"))
        let text = try await runTool("openssl", ["x509", "-in", wrong.ca, "-noout", "-ext", "subjectAltName"])
        #expect(text.stdout.contains("DNS:wrong.example") && !text.stdout.contains("127.0.0.1") && !text.stdout.contains("localhost"), "\(text.stdout)")
        let strict = try await curl("https://localhost:\(wrong.port)/zosmf/info", ca: wrong.ca)
        #expect(strict.result.status == 60, "curl refuses the name: \(strict.result)")
        let byName = try await curl("https://wrong.example:\(wrong.port)/zosmf/info", ca: wrong.ca,
                                    extra: ["--resolve", "wrong.example:\(wrong.port):127.0.0.1"])
        #expect(byName.status == 200)
        let info2 = jsonObject(byName.body) as? [String: Any]
        #expect(info2?["zosmf_hostname"] as? String == "wrong.example")
        wrong.kill()

        // A certificate from an "external CA": the test keystore's localhost certificate.
        let keystore = try await Keystore.make("EC-P256")
        let external = try await StubProcess.start(["--cert", keystore.certificate, "--key", keystore.privateKey])
        defer { external.kill() }
        let trusted = try await curl("https://localhost:\(external.port)/zosmf/info", ca: keystore.caCertificate)
        #expect(trusted.status == 200, "\(trusted.result)")
        #expect(!FileManager.default.fileExists(atPath: external.data + "/zosmf.cer"), "no self-signed certificate made")
        #expect(external.running.stdout.contains("given with --cert"))
        // TLS 1.2 and 1.3 only.
        let old = try await runTool("openssl", ["s_client", "-connect", "127.0.0.1:\(external.port)", "-tls1_1"], timeout: .seconds(20))
        #expect(old.status != 0)
    }

    @Test("--detach returns once it listens; a second start on the same folder fails; stop ends it and leaves no process or pid file")
    func detachAndStop() async throws {
        let data = try TemporaryPaths.makeDirectory("zosmf-detach")
        let port = freePort()
        let start = try await runTool(StubProcess.zwe, ["zosmf-stub", "--port", "\(port)", "--data", data, "--detach"],
                                      environment: StubProcess.environment, timeout: .seconds(60))
        let pidText = (try? String(contentsOfFile: data + "/zosmf.pid", encoding: .utf8)) ?? ""
        let pid = Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        defer { if pid > 0 { kill(pid, SIGKILL) } }
        #expect(start.status == 0, "\(start)")
        #expect(start.stdout.contains("https://localhost:\(port)/zosmf/"), "\(start.stdout)")
        #expect(start.stdout.contains("ZWEL1854I"))
        #expect(pid > 0 && kill(pid, 0) == 0, "the pid file names a live process")
        #expect(getsid(pid) == pid, "in a session of its own")
        #expect(canConnect(port))
        let stdinTarget = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/0")) ?? ""
        #expect(stdinTarget == "/dev/null")
        #expect(FileManager.default.fileExists(atPath: data + "/zosmf.log"))

        let again = try await runTool(StubProcess.zwe, ["zosmf-stub", "--port", "\(freePort())", "--data", data, "--detach"],
                                      environment: StubProcess.environment)
        #expect(again.status != 0)
        #expect(again.stderr.contains("ZWEL1863E") && again.stderr.contains("pid \(pid)"), "\(again)")
        let foreground = try await runTool(StubProcess.zwe, ["zosmf-stub", "--port", "\(freePort())", "--data", data],
                                           environment: StubProcess.environment)
        #expect(foreground.status != 0 && foreground.stderr.contains("ZWEL1863E"), "\(foreground)")

        let stop = try await runTool(StubProcess.zwe, ["zosmf-stub", "stop", "--data", data], environment: StubProcess.environment)
        #expect(stop.status == 0, "\(stop)")
        #expect(stop.stdout.contains("ZWEL1855I"))
        #expect(kill(pid, 0) != 0 || processState(pid) == "Z", "the stub has ended")
        #expect(!FileManager.default.fileExists(atPath: data + "/zosmf.pid"))
        #expect(!canConnect(port))
        let log = (try? String(contentsOfFile: data + "/zosmf.log", encoding: .utf8)) ?? ""
        #expect(log.contains("ZWEL1850I") && log.contains("ZWEL1855I"), "\(log)")

        let stopAgain = try await runTool(StubProcess.zwe, ["zosmf-stub", "stop", "--data", data], environment: StubProcess.environment)
        #expect(stopAgain.status == 0 && stopAgain.stdout.contains("ZWEL1856I"), "\(stopAgain)")
    }

    @Test("Bad input: a message id with cause and fix, exit 1, nothing started and no folder made")
    func badInput() async throws {
        let base = try TemporaryPaths.makeDirectory("zosmf-bad")
        let users = base + "/users"
        try "IBMUSER:SYS1\n\nuser with space:x\n".write(toFile: users, atomically: true, encoding: .utf8)
        let badHash = base + "/users-hash"
        try "IBMUSER:{SHA256}1234\n".write(toFile: badHash, atomically: true, encoding: .utf8)
        let notPEM = base + "/cert.pem"
        try "not a certificate".write(toFile: notPEM, atomically: true, encoding: .utf8)
        let busy = try SilentListener()
        let fresh = base + "/data"
        let cases: [([String], String, String?)] = [
            (["--port", "70000", "--data", fresh], "ZWEL1860E", nil),
            (["--port", "http", "--data", fresh], "ZWEL1860E", nil),
            (["--port", "\(freePort())", "--data", fresh, "--users", users], "ZWEL1868E", "\(users):3"),
            (["--port", "\(freePort())", "--data", fresh, "--users", badHash], "ZWEL1868E", "\(badHash):1"),
            (["--port", "\(freePort())", "--data", fresh, "--users", base + "/none"], "ZWEL1867E", nil),
            (["--port", "\(freePort())", "--data", fresh, "--cert", notPEM, "--key", notPEM], "ZWEL1864E", nil),
            (["--port", "\(freePort())", "--data", fresh, "--cert", base + "/missing.pem", "--key", notPEM], "ZWEL1864E", nil),
            (["--port", "\(freePort())", "--data", fresh, "--cert", notPEM], "ZWEL1866E", nil),
            (["--port", "\(freePort())", "--data", fresh, "--address", "localhost"], "ZWEL1870E", nil),
            (["--port", "\(freePort())", "--data", fresh, "--active-delay-ms", "10s"], "ZWEL1872E", nil),
            (["--port", "\(busy.port)", "--data", fresh], "ZWEL1861E", nil),
            (["--port", "\(freePort())", "--data", "/dev/null/data"], "ZWEL1862E", nil),
        ]
        for detach in [false, true] {
            for (arguments, id, location) in cases {
                let result = try await runTool(StubProcess.zwe, ["zosmf-stub"] + arguments + (detach ? ["--detach"] : []),
                                               environment: StubProcess.environment, timeout: .seconds(30))
                #expect(result.status == 1, "\(arguments): \(result)")
                #expect(result.stderr.contains(id), "\(arguments): \(result)")
                #expect(result.stderr.contains("cause:") && result.stderr.contains("fix:"), "\(arguments): \(result)")
                if let location { #expect(result.stderr.contains("(\(location))"), "\(arguments): \(result)") }
                #expect(!FileManager.default.fileExists(atPath: fresh), "\(arguments): nothing made")
            }
        }
        // A good key that belongs to another certificate.
        let keystore = try await Keystore.make("EC-P256")
        let other = try await Keystore.make("RSA-2048")
        let mismatch = try await runTool(StubProcess.zwe, ["zosmf-stub", "--port", "\(freePort())", "--data", fresh,
                                                           "--cert", keystore.certificate, "--key", other.privateKey],
                                         environment: StubProcess.environment)
        #expect(mismatch.status == 1 && mismatch.stderr.contains("ZWEL1865E"), "\(mismatch)")
    }
}

/// A count shared by concurrent tasks.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .sequentiallyConsistent) }
    var value: Int { count.load(ordering: .sequentiallyConsistent) }
}

/// File mode bits.
func attributes(_ path: String) -> (mode: mode_t, size: Int) {
    var info = stat()
    guard stat(path, &info) == 0 else { return (0, -1) }
    return (info.st_mode & 0o7777, Int(info.st_size))
}

/// The state letter of /proc/PID/stat ("Z" for a zombie), empty when there is no such process.
func processState(_ pid: Int32) -> String {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return "" }
    return String(text[text.index(close, offsetBy: 2)...].prefix(1))
}
