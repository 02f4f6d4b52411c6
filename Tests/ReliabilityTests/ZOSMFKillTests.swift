import Foundation
import Synchronization
import Testing
import ZweTestSupport

/// R7 across the whole topology: jobs submitted through the gateway's route to z/OSMF, z/OSMF
/// killed with SIGKILL in the middle, submissions going on (and failing) while it is down,
/// then z/OSMF started again on its data. Every job that was answered 201 must be there, end
/// in OUTPUT, and have its whole spool; jobs that were refused may be missing.
@Suite("R7: z/OSMF killed during job submission")
struct ZOSMFKillTests {
    static let basic = ["--user", "IBMUSER:SYS1"]
    static let csrf = ["--header", "X-CSRF-ZOSMF-HEADER: true"]

    static func jcl(_ name: String, _ records: [String]) -> String {
        """
        //\(name) JOB (ACCT),'KILL TEST',CLASS=A
        //STEP1 EXEC PGM=IEBGENER
        //SYSPRINT DD SYSOUT=*
        //SYSIN DD DUMMY
        //SYSUT2 DD SYSOUT=*
        //SYSUT1 DD *
        \(records.joined(separator: "\n"))
        /*

        """
    }

    @Test("R7: every job acknowledged with 201 through the gateway is there after z/OSMF's restart, OUTPUT, with its whole spool")
    func killedDuringSubmission() throws {
        let topology = try TopologyFixture()
        defer { topology.stop() }
        let total = Reliability.quick ? 30 : 100
        let killAfter = 10
        var acknowledged: [(name: String, id: String, records: [String])] = []
        var refused = 0
        var killed = false, restarted = false
        var consecutiveFailures = 0
        for index in 0..<total {
            let name = "KILL\(index)"
            let records = (0..<3).map { "JOB \(index) RECORD \($0)" }
            if acknowledged.count == killAfter && !killed {
                // The kill lands while the next submission is on its way.
                let zosmf = topology.zosmf
                Thread.detachNewThread {
                    usleep(UInt32.random(in: 0...40_000))
                    zosmf?.signal(SIGKILL)
                }
                killed = true
            }
            let answer = try topology.curl(topology.gateway + "/ibmzosmf/api/v1/zosmf/restjobs/jobs", method: "PUT",
                                           Self.basic + Self.csrf + ["--header", "Content-Type: text/plain", "--data-binary", Self.jcl(name, records)])
            if answer.status == 201, let id = answer.object["jobid"] as? String {
                acknowledged.append((name, id, records))
                consecutiveFailures = 0
            } else {
                refused += 1
                consecutiveFailures += 1
                if killed && !restarted && consecutiveFailures >= 3 {
                    try topology.restartZOSMF()
                    restarted = true
                }
            }
        }
        #expect(killed && restarted, "z/OSMF was not killed and restarted (refused \(refused))")
        #expect(acknowledged.count > killAfter, "nothing was acknowledged after the restart")

        var complete = 0
        for job in acknowledged {
            var status: [String: Any] = [:]
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                status = try topology.curl(topology.gateway + "/ibmzosmf/api/v1/zosmf/restjobs/jobs/\(job.name)/\(job.id)", Self.basic).object
                if status["status"] as? String == "OUTPUT" { break }
                usleep(100_000)
            }
            #expect(status["status"] as? String == "OUTPUT" && status["retcode"] as? String == "CC 0000", "\(job.name)(\(job.id)): \(status)")
            let files = try topology.curl(topology.gateway + "/ibmzosmf/api/v1/zosmf/restjobs/jobs/\(job.name)/\(job.id)/files", Self.basic)
            let spool = files.json as? [[String: Any]] ?? []
            guard let sysut2 = spool.first(where: { $0["ddname"] as? String == "SYSUT2" }) else {
                Issue.record("\(job.name)(\(job.id)) has no SYSUT2: \(files)")
                continue
            }
            let copied = try topology.curl(topology.gateway + "/ibmzosmf/api/v1/zosmf/restjobs/jobs/\(job.name)/\(job.id)/files/\(sysut2["id"] ?? 0)/records", Self.basic)
            let lines = copied.body.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            #expect(lines == job.records, "\(job.name)(\(job.id)) spool: \(copied)")
            if lines == job.records { complete += 1 }
        }
        Reliability.report("R7", "\(total) submissions through the gateway, z/OSMF killed after \(killAfter): \(acknowledged.count) answered 201, \(refused) refused; \(complete) of \(acknowledged.count) acknowledged jobs OUTPUT with their whole spool after the restart")
    }
}
