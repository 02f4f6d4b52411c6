import Foundation
import ZweTestSupport
import Testing

/// Browser or client -> gateway (Zowe certificate) -> jobs API (southbound mutual TLS) ->
/// z/OSMF (its own certificate, trusted through the truststore), all real processes.
@Suite("The whole topology: z/OSMF, gateway, jobs API, JES explorer", .serialized)
struct TopologyTests {
    static let basic = ["--user", "IBMUSER:SYS1"]
    static let csrf = ["--header", "X-CSRF-ZOSMF-HEADER: true"]

    /// Submits JCL through the gateway's route to z/OSMF; the job document.
    static func submit(_ topology: TopologyFixture, _ jcl: String) throws -> [String: Any] {
        let answer = try topology.curl(topology.gateway + "/ibmzosmf/api/v1/zosmf/restjobs/jobs", method: "PUT",
                                       basic + csrf + ["--header", "Content-Type: text/plain", "--data-binary", jcl])
        guard answer.status == 201, answer.object["jobid"] is String else {
            throw TestFailure("submit: \(answer)\n--- z/OSMF\n\(topology.zosmfOutput)\n--- gateway\n\(topology.log("gateway"))")
        }
        return answer.object
    }

    /// Polls the job until it is OUTPUT; its last document.
    static func output(_ topology: TopologyFixture, _ name: String, _ id: String, seconds: Double = 20) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        var last: [String: Any] = [:]
        var seen: [String] = []
        while Date() < deadline {
            let answer = try topology.curl(topology.gateway + "/ibmzosmf/api/v1/zosmf/restjobs/jobs/\(name)/\(id)", basic)
            last = answer.object
            if let status = last["status"] as? String, seen.last != status { seen.append(status) }
            if last["status"] as? String == "OUTPUT" { return last }
            usleep(50_000)
        }
        throw TestFailure("\(name) \(id) not OUTPUT within \(seconds) s; statuses \(seen); last \(last)")
    }

    @Test("JCL through the gateway to z/OSMF: IEFBR14, IEBGENER, an unknown program, bad JCL, %2F paths; the jobs API; login with z/OSMF")
    func jobsThroughTheGateway() throws {
        let topology = try TopologyFixture()
        defer { topology.stop() }

        let br14 = try Self.submit(topology, "//BR14 JOB (ACCT),'ZWE TEST',CLASS=A\n//STEP1 EXEC PGM=IEFBR14\n")
        let br14Name = try #require(br14["jobname"] as? String), br14ID = try #require(br14["jobid"] as? String)
        #expect(br14Name == "BR14")
        #expect(try Self.output(topology, br14Name, br14ID)["retcode"] as? String == "CC 0000")

        let records = ["HELLO FROM SYSUT1", "SECOND RECORD  WITH  BLANKS", "3"]
        let gener = try Self.submit(topology, """
            //GENER JOB (ACCT),'COPY',CLASS=A
            //STEP1 EXEC PGM=IEBGENER
            //SYSPRINT DD SYSOUT=*
            //SYSIN DD DUMMY
            //SYSUT2 DD SYSOUT=*
            //SYSUT1 DD *
            \(records.joined(separator: "\n"))
            /*

            """)
        let generID = try #require(gener["jobid"] as? String)
        #expect(try Self.output(topology, "GENER", generID)["retcode"] as? String == "CC 0000")
        // The spool listed through a %2F path, as z/OSMF clients write it.
        let files = try topology.curl(topology.gateway + "/ibmzosmf/api/v1/zosmf/restjobs/jobs/GENER%2F\(generID)/files", Self.basic)
        #expect(files.status == 200, "\(files)")
        let spool = files.json as? [[String: Any]] ?? []
        let ddnames = spool.compactMap { $0["ddname"] as? String }
        #expect(Set(["JESMSGLG", "JESJCL", "JESYSMSG", "SYSUT2"]).isSubset(of: Set(ddnames)), "\(ddnames)")
        let sysut2 = try #require(spool.first { $0["ddname"] as? String == "SYSUT2" })
        let copied = try topology.curl(topology.gateway + "/ibmzosmf/api/v1/zosmf/restjobs/jobs/GENER/\(generID)/files/\(sysut2["id"] ?? 0)/records", Self.basic)
        let copiedRecords = copied.body.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        #expect(copiedRecords == records.map { $0.trimmingCharacters(in: .whitespaces) }, "\(copied)")

        let unknown = try Self.submit(topology, "//NOPGM JOB (ACCT),'X'\n//STEP1 EXEC PGM=NOSUCHPG\n")
        #expect(try Self.output(topology, "NOPGM", unknown["jobid"] as? String ?? "")["retcode"] as? String == "ABEND S806")
        // A JOB card with an unbalanced parenthesis: accepted, then JCL ERROR (not a JOB card at all is a 400).
        let bad = try Self.submit(topology, "//BADJCL JOB (ACCT\n//STEP1 EXEC PGM=IEFBR14\n")
        let badName = bad["jobname"] as? String ?? "BADJCL"
        #expect(try Self.output(topology, badName, bad["jobid"] as? String ?? "")["retcode"] as? String == "JCL ERROR")

        // Login through the gateway is checked by z/OSMF; the token carries the z/OSMF session.
        let wrong = try topology.curl(topology.gateway + "/gateway/api/v1/auth/login", method: "POST", ["--user", "IBMUSER:WRONG"])
        #expect(wrong.status == 401, "\(wrong)")
        let login = try topology.curl(topology.gateway + "/gateway/api/v1/auth/login", method: "POST", Self.basic)
        #expect(login.status == 204, "\(login)")
        let cookieLine = login.headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: apimlauthenticationtoken=") }
        let token = String(cookieLine?.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last ?? "")
        #expect(!token.isEmpty, "\(login)")
        let cookie = ["--cookie", "apimlAuthenticationToken=\(token)"]

        // The jobs API, through the gateway, as the logged-in user.
        let list = try topology.curl(topology.gateway + "/jobs/api/v2?owner=IBMUSER&prefix=*", cookie)
        #expect(list.status == 200, "\(list)")
        let items = list.object["items"] as? [[String: Any]] ?? []
        let listed = try #require(items.first { $0["jobId"] as? String == generID }, "\(list)")
        for field in ["jobId", "jobName", "owner", "type", "status", "returnCode", "subsystem", "executionClass", "phaseName"] {
            #expect(listed.keys.contains(field), "\(field) in \(listed)")
        }
        #expect(listed["returnCode"] as? String == "CC 0000" && listed["owner"] as? String == "IBMUSER")
        let jobFiles = try topology.curl(topology.gateway + "/jobs/api/v2/GENER/\(generID)/files", cookie)
        let fileItems = jobFiles.object["items"] as? [[String: Any]] ?? []
        let sysut2File = try #require(fileItems.first { $0["ddName"] as? String == "SYSUT2" }, "\(jobFiles)")
        for field in ["id", "ddName", "recordFormat", "recordLength", "byteCount", "recordCount"] {
            #expect(sysut2File.keys.contains(field), "\(field) in \(sysut2File)")
        }
        let content = try topology.curl(topology.gateway + "/jobs/api/v2/GENER/\(generID)/files/\(sysut2File["id"] ?? 0)/content", cookie)
        #expect((content.object["content"] as? String)?.contains("HELLO FROM SYSUT1") == true, "\(content)")

        let submitted = try topology.curl(topology.gateway + "/jobs/api/v2/string", method: "POST", cookie + [
            "--header", "Content-Type: application/json", "--data-binary", #"{"jcl":"//VIAAPI JOB (ACCT)\n//S1 EXEC PGM=IEFBR14\n"}"#,
        ])
        #expect(submitted.status == 201, "\(submitted)")
        #expect(submitted.headers.lowercased().contains("location: /api/v2/jobs/viaapi/"), "\(submitted)")
        let viaID = submitted.object["jobId"] as? String ?? ""
        _ = try Self.output(topology, "VIAAPI", viaID)
        let purged = try topology.curl(topology.gateway + "/jobs/api/v2/VIAAPI/\(viaID)", method: "DELETE", cookie)
        #expect(purged.status == 204, "\(purged)")
        let after = try topology.curl(topology.gateway + "/jobs/api/v2/VIAAPI/\(viaID)", cookie)
        #expect(after.status == 404, "\(after)")
        let anonymous = try topology.curl(topology.gateway + "/jobs/api/v2?owner=*")
        #expect(anonymous.status == 401 && anonymous.object["message"] is String, "\(anonymous)")

        // A zosmf-scheme route takes the Zowe token instead of Basic: the gateway sends z/OSMF's session.
        let viaToken = try topology.curl(topology.gateway + "/ibmzosmf/api/v1/zosmf/restjobs/jobs?owner=IBMUSER", cookie)
        #expect(viaToken.status == 200, "\(viaToken)")
    }

    @Test("The JES explorer in headless Chromium: log in, see the job, open its spool, purge it")
    func explorerInABrowser() throws {
        let topology = try TopologyFixture()
        defer { topology.stop() }
        let job = try Self.submit(topology, """
            //BROWSE JOB (ACCT),'UI'
            //STEP1 EXEC PGM=IEBGENER
            //SYSPRINT DD SYSOUT=*
            //SYSIN DD DUMMY
            //SYSUT2 DD SYSOUT=*
            //SYSUT1 DD *
            SEEN IN THE BROWSER
            /*

            """)
        let id = try #require(job["jobid"] as? String)
        _ = try Self.output(topology, "BROWSE", id)
        let script = Harness.packageRoot + "/Tests/Fixtures/explorer-browser.py"
        let result = try Harness.run("/usr/bin/env", ["python3", script, topology.gateway, "IBMUSER", "SYS1", "BROWSE", id, "SYSUT2", "SEEN IN THE BROWSER"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("OK"), "\(result)")
        let gone = try topology.curl(topology.gateway + "/ibmzosmf/api/v1/zosmf/restjobs/jobs/BROWSE/\(id)", Self.basic)
        // z/OSMF answers a job that is gone with 400 "No job found for reference".
        #expect(gone.status == 400 && gone.body.contains("No job found"), "purged in the browser: \(gone)")
    }

    @Test("Trust: an untrusted z/OSMF is a preflight error and a 502 ZWEAM511E when started anyway",
          arguments: [("true", "true"), ("false", "true")])
    func untrusted(verify: String, nonStrict: String) throws {
        let topology = try TopologyFixture(trust: false, setup: [("VERIFY_CERTIFICATES", verify), ("NONSTRICT_VERIFY_CERTIFICATES", nonStrict)],
                                           start: false)
        defer { topology.stop() }
        let validated = try topology.launcher.zwe(["validate", "-c", topology.instance, "--json"])
        #expect(validated.status != 0, "VERIFY_CERTIFICATES=\(verify): \(validated)")
        #expect(validated.stdout.contains("ZWEL19"), "a rule 9 finding: \(validated)")

        let started = try topology.launcher.zwe(["start", "-c", topology.instance], extra: ["ZWE_IGNORE_VALIDATION_ERRORS": "true"])
        #expect(started.status == 0, "\(started)")
        try topology.waitForRoutes(["ibmzosmf"])
        let refused = try topology.curl(topology.gateway + "/ibmzosmf/api/v1/zosmf/info", Self.basic)
        #expect(refused.status == 502 && refused.body.contains("ZWEAM511E"), "\(refused)")
        // Once the gateway knows the jobs API (it registers after it starts), its answer is a 502 too.
        var jobs = try topology.curl(topology.gateway + "/jobs/api/v2?owner=*", Self.basic)
        let deadline = Date().addingTimeInterval(15)
        while jobs.status == 404, Date() < deadline {
            usleep(200_000)
            jobs = try topology.curl(topology.gateway + "/jobs/api/v2?owner=*", Self.basic)
        }
        #expect(jobs.status == 502, "the jobs API cannot use an untrusted z/OSMF either: \(jobs)")
    }

    @Test("A z/OSMF certificate for another host: trusted in NONSTRICT and used; STRICT refuses it by host name",
          arguments: [("false", "true"), ("true", "true")])
    func wrongHost(verify: String, nonStrict: String) throws {
        let strict = verify == "true"
        let verifyFlags = [("VERIFY_CERTIFICATES", verify), ("NONSTRICT_VERIFY_CERTIFICATES", nonStrict)]
        if strict {
            let topology = try TopologyFixture(zosmfArguments: ["--hostname", "wrong.example"], trust: false, setup: verifyFlags, start: false)
            defer { topology.stop() }
            // STRICT: trust-zosmf itself refuses a certificate that is not for ZOWE_ZOSMF_HOST, and writes nothing.
            let folder = topology.launcher.scratch.path + "/strict-keystore"
            let file = setupFile(in: topology.launcher.scratch, name: "strict.env", [
                ("KEYSTORE_DIRECTORY", folder), ("KEY_ALGORITHM", "EC-P256"),
                ("ZOWE_ZOSMF_HOST", "localhost"), ("ZOWE_ZOSMF_PORT", "\(topology.zosmfPort)"),
            ] + verifyFlags)
            let refusedSetup = try Harness.zwe(["init", "certificate", "-p", file])
            #expect(refusedSetup.status != 0, "\(refusedSetup)")
            let said = refusedSetup.stdout + refusedSetup.stderr
            #expect(said.contains("ZWEL1955E") && said.contains("VERIFY_CERTIFICATES=false"), "\(refusedSetup)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/zowe-certificates.env"), "nothing written")

            let started = try topology.launcher.zwe(["start", "-c", topology.instance], extra: ["ZWE_IGNORE_VALIDATION_ERRORS": "true"])
            #expect(started.status == 0, "\(started)")
            // READY is the gateway's health; the route comes with its first reading of the registry.
            try topology.waitForRoutes(["ibmzosmf"])
            let refused = try topology.curl(topology.gateway + "/ibmzosmf/api/v1/zosmf/info", Self.basic)
            #expect(refused.status == 502 && refused.body.contains("ZWEAM511E"), "\(refused)")

            // Its certificate file trusted by hand (no host check at setup): STRICT still refuses it, by host name.
            let imported = try TopologyFixture(zosmfArguments: ["--hostname", "wrong.example"], trust: false, trustFile: true,
                                               setup: verifyFlags, start: false)
            defer { imported.stop() }
            let checked = try imported.launcher.zwe(["validate", "-c", imported.instance, "--json"])
            #expect(checked.status != 0 && checked.stdout.contains("ZWEL1962E"), "preflight names the host name: \(checked)")
            let startedAnyway = try imported.launcher.zwe(["start", "-c", imported.instance], extra: ["ZWE_IGNORE_VALIDATION_ERRORS": "true"])
            #expect(startedAnyway.status == 0, "\(startedAnyway)")
            try imported.waitForRoutes(["ibmzosmf"])
            let byHost = try imported.curl(imported.gateway + "/ibmzosmf/api/v1/zosmf/info", Self.basic)
            #expect(byHost.status == 502 && byHost.body.contains("ZWEAM511E"), "\(byHost)")
            #expect(byHost.body.contains("not valid for the host name 'localhost'"), "the hostname reason: \(byHost)")
        } else {
            let topology = try TopologyFixture(zosmfArguments: ["--hostname", "wrong.example"], setup: verifyFlags)
            defer { topology.stop() }
            let info = try topology.curl(topology.gateway + "/ibmzosmf/api/v1/zosmf/info", Self.basic)
            #expect(info.status == 200, "\(info)")
            let job = try Self.submit(topology, "//NONSTRCT JOB (ACCT)\n//S1 EXEC PGM=IEFBR14\n")
            #expect(try Self.output(topology, "NONSTRCT", job["jobid"] as? String ?? "")["retcode"] as? String == "CC 0000")
        }
    }
}
