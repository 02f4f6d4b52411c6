/// A spool file with its records.
struct SpoolContent: Sendable {
    var file: SpoolFile
    var records: [String]
}

/// How a job ended and everything it left on the spool.
struct JobOutcome: Sendable {
    var retcode: String
    var files: [SpoolContent]
}

/// Running a converted job, step by step, with the programs this system has: IEFBR14 (does
/// nothing, CC 0000) and IEBGENER (copies SYSUT1 to SYSUT2, CC 0000). Any other program is
/// not in the link list: ABEND S806, and the steps after it are not executed. A job with JCL
/// errors does not run at all. The result is the job log (JESMSGLG), the JCL listing (JESJCL),
/// the system messages (JESYSMSG) and one spool file per SYSOUT DD of the executed steps.
enum JobExecution {
    /// How a run ends when it is not left to finish.
    enum Ending: Sendable {
        case completed
        /// Cancelled before it ran (INPUT): `CANCELED`.
        case cancelledBeforeRunning(by: String)
        /// Cancelled while it ran (ACTIVE): ABEND S222 in the step that ran.
        case cancelledWhileRunning(by: String)
    }

    static func run(_ job: Job, records: [String], converted: ConvertedJob, started: Int64, ended: Int64, ending: Ending = .completed) -> JobOutcome {
        var log = JobLog(job: job, converted: converted, records: records, started: started, ended: ended)
        if case .cancelledBeforeRunning(let user) = ending {
            log.message("$HASP890 \(SpoolText.column(job.name, 8)) CANCELLED BY \(user) BEFORE EXECUTION", at: ended)
            return log.finish(retcode: "CANCELED")
        }
        if !converted.problems.isEmpty {
            log.message("IEFC452I \(job.name) - JOB NOT RUN - JCL ERROR", at: ended)
            log.message("$HASP396 \(SpoolText.column(job.name, 8)) TERMINATED", at: ended)
            log.jclErrors(converted.problems)
            return log.finish(retcode: "JCL ERROR")
        }
        log.jobStarted()
        var highest = 0
        var abend: String?
        for step in converted.steps {
            if abend != nil {
                log.system("IEF272I \(job.name) \(step.name) - STEP WAS NOT EXECUTED.")
                continue
            }
            log.allocate(step)
            if case .cancelledWhileRunning(let user) = ending {
                log.message("IEE301I \(SpoolText.column(job.name, 8)) CANCEL COMMAND ACCEPTED (BY \(user))", at: ended)
                abend = "S222"
                log.abended(step, code: "222", reason: "00000000")
                continue
            }
            switch step.program {
            case "IEFBR14":
                log.completed(step, code: 0)
            case "IEBGENER":
                let code = generate(step, log: &log)
                highest = max(highest, code)
                log.completed(step, code: code)
            default:
                abend = "S806"
                log.system("CSV003I REQUESTED MODULE \(step.program) NOT FOUND")
                log.system("CSV028I ABEND806-04  JOBNAME=\(SpoolText.column(job.name, 8))  STEPNAME=\(step.name)")
                log.message("IEA995I SYMPTOM DUMP OUTPUT  SYSTEM COMPLETION CODE=806  REASON CODE=00000004", at: ended)
                log.abended(step, code: "806", reason: "00000004")
            }
        }
        log.jobEnded(abend: abend, highest: highest)
        return log.finish(retcode: abend.map { "ABEND \($0)" } ?? "CC \(SpoolText.code(highest))")
    }

    /// IEBGENER: SYSUT1 (in-stream or DUMMY) copied record by record to SYSUT2; its report on
    /// SYSPRINT. Returns the step's condition code.
    private static func generate(_ step: StepPlan, log: inout JobLog) -> Int {
        var report = ["1DATA SET UTILITY - GENERATE" + String(repeating: " ", count: 73) + "PAGE 0001"]
        defer { if step.dd("SYSPRINT") != nil { log.write(report, to: "SYSPRINT", of: step) } }
        guard step.dd("SYSPRINT") != nil else { return 12 }
        guard let input = step.dd("SYSUT1") else {
            report.append("0IEB306I UNABLE TO OPEN SYSUT1: NO DD STATEMENT")
            return 12
        }
        guard let output = step.dd("SYSUT2") else {
            report.append("0IEB307I UNABLE TO OPEN SYSUT2: NO DD STATEMENT")
            return 12
        }
        let records: [String]
        switch input.kind {
        case .inStream(let data): records = data
        case .dummy: records = []
        case .dataset(let name):
            report.append("0IEB311I SYSUT1 DATA SET \(name) CANNOT BE OPENED: THIS SYSTEM KEEPS NO DATA SETS")
            return 12
        case .sysout, .other:
            report.append("0IEB311I SYSUT1 CANNOT BE OPENED FOR INPUT")
            return 12
        }
        if case .sysout = output.kind {
            report.append("-IEB352I WARNING: ONE OR MORE OF THE OUTPUT DCB PARMS COPIED FROM INPUT")
            log.write(records, to: "SYSUT2", of: step)
        }
        report.append("0")
        report.append(" PROCESSING ENDED AT EOD")
        return 0
    }
}

/// The three JES files of a job and its SYSOUT files, written as the job goes.
struct JobLog {
    let job: Job
    let converted: ConvertedJob
    let records: [String]
    let started: Int64
    let ended: Int64
    private var messages: [String] = []
    private var systemMessages: [String] = []
    /// SYSOUT files in the order their DDs were allocated.
    private var sysout: [(id: Int, step: String, dd: String, outputClass: String, records: [String])] = []

    init(job: Job, converted: ConvertedJob, records: [String], started: Int64, ended: Int64) {
        self.job = job
        self.converted = converted
        self.records = records
        self.started = started
        self.ended = ended
        let moment = SpoolText.Moment(started)
        messages.append("1" + String(repeating: " ", count: 20) + "J E S 2  J O B  L O G  --  S Y S T E M  "
                        + JobNumbering.systemName.map(String.init).joined(separator: " ") + "  --  N O D E  Z O S M F")
        messages.append("0")
        messages.append(" \(moment.clock) \(job.jobid) ---- \(moment.weekday),  \(moment.date) ----")
        message("IRR010I  USERID \(SpoolText.column(job.owner, 8)) IS ASSIGNED TO THIS JOB.", at: started)
        systemMessages.append(" ICH70001I \(SpoolText.column(job.owner, 8)) LAST ACCESS AT \(moment.clock.replacingOccurrences(of: ".", with: ":")) ON \(moment.weekday), \(moment.date)")
        if job.runs > 1 {
            message("\(job.name) RESTARTED FROM ITS FIRST STEP (RUN \(job.runs)): THE SYSTEM ENDED BEFORE THE JOB DID", at: started)
        }
    }

    mutating func message(_ text: String, at milliseconds: Int64) {
        messages.append(" \(SpoolText.Moment(milliseconds).clock) \(job.jobid)  \(text)")
    }

    mutating func system(_ text: String) {
        systemMessages.append(" " + text)
    }

    mutating func jobStarted() {
        let clock = SpoolText.Moment(started).clock
        message("$HASP373 \(SpoolText.column(job.name, 8)) STARTED - INIT 1    - CLASS \(job.jobClass)        - SYS \(JobNumbering.systemName)", at: started)
        message("IEF403I \(job.name) - STARTED - TIME=\(clock)", at: started)
    }

    mutating func jobEnded(abend: String?, highest: Int) {
        let moment = SpoolText.Moment(ended)
        message("IEF404I \(job.name) - ENDED - TIME=\(moment.clock)", at: ended)
        message("$HASP395 \(SpoolText.column(job.name, 8)) ENDED - " + (abend.map { "ABEND=\($0)" } ?? "RC=\(SpoolText.code(highest))"), at: ended)
        system("IEF375I  JOB/\(SpoolText.column(job.name, 8))/START \(SpoolText.Moment(started).julian)")
        system("IEF033I  JOB/\(SpoolText.column(job.name, 8))/STOP  \(moment.julian)")
        system("        CPU:     0 HR  00 MIN  00.00 SEC    SRB:     0 HR  00 MIN  00.00 SEC")
    }

    mutating func allocate(_ step: StepPlan) {
        system("IEF236I ALLOC. FOR \(job.name) \(step.name)")
        for dd in step.dds where !dd.name.isEmpty {
            switch dd.kind {
            case .dummy: system("IEF237I DMY  ALLOCATED TO \(dd.name)")
            case .dataset: system("IEF237I 0A80 ALLOCATED TO \(dd.name)")
            case .sysout(let outputClass):
                system("IEF237I JES2 ALLOCATED TO \(dd.name)")
                sysout.append((102 + sysout.count, step.name, dd.name, outputClass, []))
            case .inStream, .other: system("IEF237I JES2 ALLOCATED TO \(dd.name)")
            }
        }
    }

    /// Records written by the step's program to one of its SYSOUT DDs.
    mutating func write(_ lines: [String], to ddname: String, of step: StepPlan) {
        guard let index = sysout.lastIndex(where: { $0.step == step.name && $0.dd == ddname }) else { return }
        sysout[index].records.append(contentsOf: lines)
    }

    mutating func completed(_ step: StepPlan, code: Int) {
        system("IEF142I \(job.name) \(step.name) - STEP WAS EXECUTED - COND CODE \(SpoolText.code(code))")
        stepTimes(step)
    }

    mutating func abended(_ step: StepPlan, code: String, reason: String) {
        message("IEF450I \(job.name) \(step.name) - ABEND=S\(code) U0000 REASON=\(reason)", at: ended)
        system("IEF472I \(job.name) \(step.name) - COMPLETION CODE - SYSTEM=\(code) USER=0000 REASON=\(reason)")
        stepTimes(step)
    }

    private mutating func stepTimes(_ step: StepPlan) {
        for file in sysout where file.step == step.name {
            system("IEF285I   \(job.owner).\(job.name).\(job.jobid).D\(JobNumbering.padded(file.id, 7)).?          SYSOUT")
        }
        system("IEF373I STEP/\(SpoolText.column(step.name, 8))/START \(SpoolText.Moment(started).julian)")
        system("IEF032I STEP/\(SpoolText.column(step.name, 8))/STOP  \(SpoolText.Moment(ended).julian)")
        system("        CPU:     0 HR  00 MIN  00.00 SEC    SRB:     0 HR  00 MIN  00.00 SEC")
    }

    mutating func jclErrors(_ problems: [JCLProblem]) {
        systemMessages.append(" STMT NO. MESSAGE")
        for problem in problems {
            systemMessages.append(SpoolText.right(problem.statement, 9) + " " + problem.message)
        }
    }

    /// JESJCL: every statement with its number, continuations and comments in place.
    private func listing() -> [String] {
        var lines: [String] = []
        let statements = converted.reading.statements
        for (index, statement) in statements.enumerated() {
            for comment in converted.reading.comments[index] ?? [] {
                lines.append(String(repeating: " ", count: 10) + "***" + comment.dropFirst(3))
            }
            for (offset, record) in statement.records.enumerated() {
                var line = offset == 0 ? SpoolText.right(statement.number, 9) + " " + record : String(repeating: " ", count: 10) + record
                if index == 0 && offset == 0 {
                    line = SpoolText.column(line, 82) + job.jobid
                }
                lines.append(line)
            }
        }
        for comment in converted.reading.comments[statements.count] ?? [] {
            lines.append(String(repeating: " ", count: 10) + "***" + comment.dropFirst(3))
        }
        return lines
    }

    /// The spool: JESMSGLG (2), JESJCL (3), JESYSMSG (4), then the SYSOUT files from 102 on.
    mutating func finish(retcode: String) -> JobOutcome {
        var log = messages
        let printed = sysout.reduce(0) { $0 + $1.records.count }
        log.append("0------ JES2 JOB STATISTICS ------")
        log.append("-  \(SpoolText.Moment(started).date) JOB EXECUTION DATE")
        log.append("-" + SpoolText.right(records.count, 12) + " CARDS READ")
        log.append("-" + SpoolText.right(printed + messages.count + systemMessages.count, 12) + " SYSOUT PRINT RECORDS")
        log.append("-" + SpoolText.right(0, 12) + " SYSOUT PUNCH RECORDS")
        log.append("-" + SpoolText.right(1, 12) + " SYSOUT SPOOL KBYTES")
        log.append("-         0.00 MINUTES EXECUTION TIME")
        var files = [
            content(id: 2, ddname: "JESMSGLG", stepname: "JES2", outputClass: job.messageClass, recfm: "UA", lrecl: 133, log),
            content(id: 3, ddname: "JESJCL", stepname: "JES2", outputClass: job.messageClass, recfm: "V", lrecl: 136, listing()),
            content(id: 4, ddname: "JESYSMSG", stepname: "JES2", outputClass: job.messageClass, recfm: "VA", lrecl: 137, systemMessages),
        ]
        for file in sysout {
            let copied = file.dd == "SYSUT2"
            files.append(content(id: file.id, ddname: file.dd, stepname: file.step, outputClass: file.outputClass,
                                 recfm: copied ? "FB" : "FBA", lrecl: copied ? 80 : 121, file.records))
        }
        return JobOutcome(retcode: retcode, files: files)
    }

    private func content(id: Int, ddname: String, stepname: String, outputClass: String, recfm: String, lrecl: Int, _ records: [String]) -> SpoolContent {
        let bytes = records.reduce(0) { $0 + $1.utf8.count }
        return SpoolContent(
            file: SpoolFile(id: id, ddname: ddname, stepname: stepname, procstep: nil, outputClass: outputClass,
                            recfm: recfm, lrecl: lrecl, byteCount: bytes, recordCount: records.count),
            records: records)
    }
}
