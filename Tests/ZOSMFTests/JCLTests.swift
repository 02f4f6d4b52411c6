import Testing
@testable import ZweZOSMF

/// The parts of the stub that need no server: the JCL reader and converter, the programs,
/// the restjobs paths and the users file.
@Suite("z/OSMF stub parts")
struct StubPartsTests {
    @Test("Statements: continuations, comments, columns 72-80, in-stream data with /*, //, DATA and DLM, generated SYSIN, null statement")
    func reader() {
        let records = [
            "//JOB1     JOB (ACCT),'A NAME',                                        00000100",
            "//             CLASS=B,MSGCLASS=H",
            "//* a comment",
            "//STEP1    EXEC PGM=IEBGENER",
            "//SYSUT1   DD *",
            "LINE 1",
            "//SYSUT2   DD SYSOUT=*",
            "//DATA1    DD DATA",
            "//NOT A STATEMENT",
            "/*",
            "//DLM1     DD *,DLM=@@",
            "/* KEPT",
            "@@",
            "//STEP2    EXEC PGM=IEFBR14",
            "DATA WITHOUT DD",
            "//",
            "//AFTER    EXEC PGM=IGNORED",
        ]
        let reading = JCLReader.read(records)
        #expect(reading.problems.isEmpty)
        let statements = reading.statements
        #expect(statements.map(\.name) == ["JOB1", "STEP1", "SYSUT1", "SYSUT2", "DATA1", "DLM1", "STEP2", "SYSIN"])
        #expect(statements[0].operands == "(ACCT),'A NAME',CLASS=B,MSGCLASS=H")
        #expect(statements[0].records.count == 2)
        #expect(statements[2].inStreamData == ["LINE 1"])
        #expect(statements[4].inStreamData == ["//NOT A STATEMENT"])
        #expect(statements[5].inStreamData == ["/* KEPT"])
        #expect(statements[7].generated && statements[7].inStreamData == ["DATA WITHOUT DD"])
        #expect(reading.comments[1] == ["//* a comment"])

        let converted = JobConverter.convert(records)
        #expect(converted.problems.isEmpty, "\(converted.problems)")
        #expect(converted.card == JobCard(name: "JOB1", jobClass: "B", messageClass: "H", held: false))
        #expect(converted.steps.map(\.program) == ["IEBGENER", "IEFBR14"])
    }

    @Test("JCL errors: unknown operation, unknown keyword, bad label, missing continuation, procedure, no steps, unbalanced parentheses")
    func converterErrors() {
        func problems(_ records: String...) -> [String] {
            JobConverter.convert(records).problems.map(\.message)
        }
        #expect(problems("//J JOB", "//S EXCE PGM=X") .contains("IEFC605I UNIDENTIFIED OPERATION FIELD"))
        #expect(problems("//J JOB", "//S EXEC PGM=IEFBR14,FOO=1").contains("IEFC630I UNIDENTIFIED KEYWORD FOO"))
        #expect(problems("//1BAD JOB", "//S EXEC PGM=IEFBR14").contains("IEFC662I INVALID LABEL"))
        #expect(problems("//J JOB CLASS=A,", "//S EXEC PGM=IEFBR14").contains("IEFC621I EXPECTED CONTINUATION NOT RECEIVED"))
        #expect(problems("//J JOB", "//S EXEC MYPROC").contains("IEFC612I PROCEDURE MYPROC WAS NOT FOUND"))
        #expect(problems("//J JOB").contains("IEFC019I JOB HAS NO STEPS"))
        #expect(problems("//J JOB (ACCT", "//S EXEC PGM=IEFBR14").contains("IEFC607I UNBALANCED PARENTHESES"))
        #expect(problems("//J JOB CLASS=A,'NAME'", "//S EXEC PGM=IEFBR14").contains { $0.hasPrefix("IEFC006I") })
        #expect(problems("//J JOB (A),'O''NEIL',CLASS=A,TYPRUN=HOLD", "//S EXEC PGM=IEFBR14,PARM='A=B,C'").isEmpty)
        #expect(JobConverter.jobCard(["//J JOB TYPRUN=HOLD"])?.held == true)
        #expect(JobConverter.jobCard(["//S EXEC PGM=IEFBR14"]) == nil)
        #expect(JobConverter.jobCard(["// JOB"]) == nil)
    }

    @Test("IEBGENER copies SYSUT1 to SYSUT2; a missing program abends S806 and the rest is not run")
    func execution() {
        let records = ["//J JOB", "//S EXEC PGM=IEBGENER", "//SYSPRINT DD SYSOUT=*", "//SYSUT1 DD *", "A", "", " B ", "/*",
                       "//SYSUT2 DD SYSOUT=B", "//SYSIN DD DUMMY", "//T EXEC PGM=NOSUCH", "//U EXEC PGM=IEFBR14", "//X DD SYSOUT=*"]
        let converted = JobConverter.convert(records)
        let job = Job(number: 7, name: "J", owner: "IBMUSER", jobClass: "A", messageClass: "A", correlator: "C",
                      status: .active, retcode: nil, held: false, submitted: 0, started: 0, ended: nil, runs: 1, spool: [])
        let outcome = JobExecution.run(job, records: records, converted: converted, started: 0, ended: 1000)
        #expect(outcome.retcode == "ABEND S806")
        #expect(outcome.files.map(\.file.ddname) == ["JESMSGLG", "JESJCL", "JESYSMSG", "SYSPRINT", "SYSUT2"])
        #expect(outcome.files.map(\.file.id) == [2, 3, 4, 102, 103])
        let copy = outcome.files[4]
        #expect(copy.records == ["A", "", " B "])
        #expect(copy.file.outputClass == "B" && copy.file.recordCount == 3 && copy.file.recfm == "FB" && copy.file.lrecl == 80)
    }

    @Test("restjobs paths: NAME/ID, NAME%2FID, correlators with %3A, files and records")
    func paths() {
        #expect(RestJobsTarget.parse("") == .jobs)
        #expect(RestJobsTarget.parse("/") == .jobs)
        #expect(RestJobsTarget.parse("/myjob/job00001") == .job(.named(name: "MYJOB", id: "JOB00001")))
        #expect(RestJobsTarget.parse("/MYJOB%2FJOB00001/files") == .files(.named(name: "MYJOB", id: "JOB00001")))
        #expect(RestJobsTarget.parse("/MYJOB/JOB00001/files/2/records") == .records(.named(name: "MYJOB", id: "JOB00001"), file: "2"))
        #expect(RestJobsTarget.parse("/MYJOB%2fJOB00001%2Ffiles%2FJCL%2Frecords") == .records(.named(name: "MYJOB", id: "JOB00001"), file: "JCL"))
        let correlator = "J0000001SY1.....CD659D40.......:"
        #expect(RestJobsTarget.parse("/J0000001SY1.....CD659D40.......%3A") == .job(.correlator(correlator)))
        #expect(RestJobsTarget.parse("/J0000001SY1.....CD659D40.......%3A/files") == .files(.correlator(correlator)))
        #expect(RestJobsTarget.parse("/J0000001SY1.....CD659D40.......%3A/files/3/records") == .records(.correlator(correlator), file: "3"))
        #expect(RestJobsTarget.parse("/A/B/C") == nil)
        #expect(RestJobsTarget.parse("/%E0%A4%A") == nil)
        #expect(JobNumbering.jobid(1) == "JOB00001" && JobNumbering.jobid(100_000) == "J0100000")
        #expect(JobNumbering.number(ofJobid: "job00042") == 42 && JobNumbering.number(ofJobid: "J0100000") == 100_000)
        #expect(JobNumbering.correlator(number: 1, submittedMilliseconds: 0) == "J0000001SY1.....00000000.......:")
    }

    @Test("Users file: plain and {SHA256} passwords, ids case-insensitive, file:line for a bad line")
    func users() throws {
        let registry = try UserRegistry.parse("# users\nibmuser:SYS1\n\nuser2:{SHA256}2BB80D537B1DA3E38BD30361AA855686BDE0EACD7162FEF6A25FE97BF527A25B\n", path: "u")
        #expect(registry.check(user: "IBMUSER", password: "SYS1") == "IBMUSER")
        #expect(registry.check(user: "ibmuser", password: "sys1") == nil)
        #expect(registry.check(user: "User2", password: "secret") == "USER2")
        #expect(registry.check(user: "nobody", password: "SYS1") == nil)
        for (text, line) in [("a:b\nno colon\n", 2), ("a:b\nA:c\n", 2), ("toolonguser:x\n", 1), ("a:\n", 1), ("a:{SHA256}zz\n", 1)] {
            #expect(throws: (any Error).self) { try UserRegistry.parse(text, path: "u") }
            do {
                _ = try UserRegistry.parse(text, path: "u")
            } catch {
                #expect(error.location == "u:\(line)", "\(text)")
                #expect(error.id == "ZWEL1868E")
            }
        }
        #expect(throws: (any Error).self) { try UserRegistry.parse("# nobody\n", path: "u") }
    }
}
