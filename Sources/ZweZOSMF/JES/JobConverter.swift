/// What the JOB card says.
struct JobCard: Sendable, Equatable {
    var name: String
    var jobClass: String
    var messageClass: String
    /// TYPRUN=HOLD (or JCLHOLD): the job waits in INPUT until released.
    var held: Bool
}

/// A DD statement of a step, reduced to what the programs of this JES use.
struct DDPlan: Sendable {
    enum Kind: Sendable {
        /// SYSOUT=class, the class resolved ('*' is the job's MSGCLASS).
        case sysout(String)
        case inStream([String])
        case dummy
        case dataset(String)
        case other
    }

    var name: String
    var kind: Kind
}

struct StepPlan: Sendable {
    var name: String
    var program: String
    var dds: [DDPlan]

    func dd(_ name: String) -> DDPlan? { dds.first { $0.name == name } }
}

/// A job as the converter leaves it: the JOB card, the steps, the statements for JESJCL and
/// every problem (any problem makes it a JCL ERROR that does not run).
struct ConvertedJob: Sendable {
    var card: JobCard
    var steps: [StepPlan]
    var reading: JCLReader.Result
    var problems: [JCLProblem]
}

/// The converter: JCL records to a job that can run, or the JCL errors that stop it. It knows
/// the statements and keywords of z/OS JCL well enough to tell a misspelling from JCL it does
/// not act on (SET, OUTPUT, IF/ENDIF, JCLLIB are accepted and have no effect; there are no
/// cataloged procedures, so a procedure call is PROCEDURE NOT FOUND).
enum JobConverter {
    /// The JOB card of a submission, or nil when the input is not a job (its first statement
    /// is not a named JOB statement).
    static func jobCard(_ records: [String]) -> JobCard? {
        let reading = JCLReader.read(records)
        guard let first = reading.statements.first, first.operation == "JOB", !first.name.isEmpty else { return nil }
        return readCard(first).0
    }

    static func convert(_ records: [String]) -> ConvertedJob {
        let reading = JCLReader.read(records)
        var problems = reading.problems
        guard let first = reading.statements.first, first.operation == "JOB" else {
            // Not reachable through a submission, which checks the JOB card first.
            return ConvertedJob(card: JobCard(name: "UNKNOWN", jobClass: "A", messageClass: "A", held: false),
                                steps: [], reading: reading, problems: problems + [JCLProblem(statement: 1, message: "IEFC601I INVALID JCL STATEMENT")])
        }
        let (card, cardProblems) = readCard(first)
        problems += cardProblems
        var steps: [StepPlan] = []
        for statement in reading.statements.dropFirst() {
            func problem(_ message: String) { problems.append(JCLProblem(statement: statement.number, message: message)) }
            let split = JCLOperands.split(statement.operands)
            if let text = split.problem { problem(text) }
            if !statement.name.isEmpty && !JCLOperands.isName(statement.name) && !statement.name.contains(".") {
                problem("IEFC662I INVALID LABEL")
            }
            checkOrder(split.values, problem: problem)
            switch statement.operation {
            case "EXEC":
                checkKeywords(split.values, known: execKeywords, problem: problem)
                let program = value(of: "PGM", in: split.values)
                if let program {
                    if program.count > 8 && !program.hasPrefix("*.") {
                        problem("IEFC642I EXCESSIVE PARAMETER LENGTH IN THE PGM FIELD")
                    }
                } else if let procedure = value(of: "PROC", in: split.values) ?? firstPositional(split.values) {
                    problem("IEFC612I PROCEDURE \(procedure) WAS NOT FOUND")
                } else {
                    problem("IEFC614I EXEC STATEMENT NAMES NEITHER PGM NOR A PROCEDURE")
                }
                steps.append(StepPlan(name: statement.name, program: program ?? "", dds: []))
            case "DD":
                checkKeywords(split.values, known: ddKeywords, problem: problem)
                for case .positional(let value) in split.values.prefix(1)
                where !["*", "DATA", "DUMMY", "DYNAM", ""].contains(value) {
                    problem("IEFC630I UNIDENTIFIED KEYWORD \(value)")
                }
                guard !steps.isEmpty else {
                    if !["JOBLIB", "JOBCAT"].contains(statement.name) { problem("IEFC601I INVALID JCL STATEMENT") }
                    continue
                }
                let dd = DDPlan(name: statement.name, kind: kind(of: statement, split.values, messageClass: card.messageClass))
                steps[steps.count - 1].dds.append(dd)
            case "SET", "JCLLIB", "OUTPUT", "IF", "ELSE", "ENDIF", "CNTL", "ENDCNTL", "EXPORT", "SCHEDULE", "NOTIFY":
                break
            case "JOB":
                // A second job in one submission: this JES takes the first one only.
                break
            case "INCLUDE":
                problem("IEFC627I INCLUDE GROUP \(value(of: "MEMBER", in: split.values) ?? "") WAS NOT FOUND")
            default:
                problem("IEFC605I UNIDENTIFIED OPERATION FIELD")
            }
        }
        if steps.isEmpty {
            problems.append(JCLProblem(statement: first.number, message: "IEFC019I JOB HAS NO STEPS"))
        }
        problems.sort { $0.statement < $1.statement }
        return ConvertedJob(card: card, steps: steps, reading: reading, problems: problems)
    }

    // MARK: - The JOB card

    /// The JOB card and the problems on it.
    private static func readCard(_ statement: JCLStatement) -> (JobCard, [JCLProblem]) {
        var problems: [JCLProblem] = []
        func problem(_ message: String) { problems.append(JCLProblem(statement: statement.number, message: message)) }
        let name = String(statement.name.prefix(8)).uppercased()
        if !JCLOperands.isName(statement.name) { problem("IEFC662I INVALID LABEL") }
        let split = JCLOperands.split(statement.operands)
        if let text = split.problem { problem(text) }
        checkOrder(split.values, problem: problem)
        checkKeywords(split.values, known: jobKeywords, problem: problem)
        let positionals = split.values.filter { if case .positional = $0 { true } else { false } }
        if positionals.count > 2 { problem("IEFC630I UNIDENTIFIED KEYWORD \(statement.operands)") }
        var jobClass = "A"
        if let value = value(of: "CLASS", in: split.values) {
            if value.count == 1, value.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) {
                jobClass = value
            } else {
                problem("IEFC636I INVALID VALUE FOR CLASS: \(value)")
            }
        }
        var messageClass = jobClass
        if let value = value(of: "MSGCLASS", in: split.values) {
            if value.count == 1, value.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) {
                messageClass = value
            } else {
                problem("IEFC636I INVALID VALUE FOR MSGCLASS: \(value)")
            }
        }
        var held = false
        if let value = value(of: "TYPRUN", in: split.values) {
            switch value {
            case "HOLD", "JCLHOLD": held = true
            case "SCAN", "COPY": break
            default: problem("IEFC636I INVALID VALUE FOR TYPRUN: \(value)")
            }
        }
        return (JobCard(name: name, jobClass: jobClass, messageClass: messageClass, held: held), problems)
    }

    // MARK: - Operands

    private static func kind(of statement: JCLStatement, _ values: [JCLOperand], messageClass: String) -> DDPlan.Kind {
        if let data = statement.inStreamData { return .inStream(data) }
        if case .positional("DUMMY")? = values.first { return .dummy }
        if let sysout = value(of: "SYSOUT", in: values) {
            var outputClass = sysout.hasPrefix("(") ? String(sysout.dropFirst().prefix(while: { $0 != "," && $0 != ")" })) : sysout
            if outputClass == "*" || outputClass.isEmpty { outputClass = messageClass }
            return .sysout(outputClass)
        }
        if let dsn = value(of: "DSN", in: values) ?? value(of: "DSNAME", in: values) {
            return dsn == "NULLFILE" ? .dummy : .dataset(dsn)
        }
        return .other
    }

    private static func value(of keyword: String, in values: [JCLOperand]) -> String? {
        for case .keyword(let key, let value) in values where key == keyword { return value }
        return nil
    }

    private static func firstPositional(_ values: [JCLOperand]) -> String? {
        if case .positional(let value)? = values.first, !value.isEmpty { return value }
        return nil
    }

    /// Positional parameters come first.
    private static func checkOrder(_ values: [JCLOperand], problem: (String) -> Void) {
        var seenKeyword = false
        for value in values {
            switch value {
            case .keyword: seenKeyword = true
            case .positional:
                if seenKeyword {
                    problem("IEFC006I POSITIONAL PARAMETERS MUST BE SPECIFIED BEFORE KEYWORD PARAMETERS")
                    return
                }
            }
        }
    }

    private static func checkKeywords(_ values: [JCLOperand], known: Set<String>, problem: (String) -> Void) {
        for case .keyword(let key, _) in values where !known.contains(key) {
            problem("IEFC630I UNIDENTIFIED KEYWORD \(key)")
        }
    }

    static let jobKeywords: Set<String> = [
        "ADDRSPC", "BYTES", "CARDS", "CCSID", "CLASS", "COND", "DSENQSHR", "EMAIL", "GDGBIAS", "GROUP",
        "JESLOG", "JOBRC", "LINES", "MEMLIMIT", "MSGCLASS", "MSGLEVEL", "NOTIFY", "PAGES", "PASSWORD",
        "PERFORM", "PRTY", "RD", "REGION", "REGIONX", "RESTART", "SCHENV", "SECLABEL", "SYSAFF", "SYSTEM",
        "TIME", "TYPRUN", "UJOBCORR", "USER",
    ]
    static let execKeywords: Set<String> = [
        "ACCT", "ADDRSPC", "CCSID", "COND", "DYNAMNBR", "MEMLIMIT", "PARM", "PARMDD", "PERFORM", "PGM",
        "PROC", "RD", "REGION", "REGIONX", "TIME", "TVSMSG", "TVSAMCOM",
    ]
    static let ddKeywords: Set<String> = [
        "ACCODE", "AMP", "AVGREC", "BLKSIZE", "BLKSZLIM", "BUFNO", "BURST", "CCSID", "CHARS", "CHKPT", "CNTL",
        "COPIES", "DATACLAS", "DCB", "DDNAME", "DEST", "DISP", "DLM", "DSID", "DSKEYLBL", "DSN", "DSNAME",
        "DSNTYPE", "DSORG", "EATTR", "EXPDT", "FCB", "FILEDATA", "FLASH", "FREE", "FREEVOL", "GDGORDER",
        "HOLD", "KEYENCD1", "KEYENCD2", "KEYLABL1", "KEYLABL2", "KEYLEN", "KEYOFF", "LABEL", "LGSTREAM",
        "LIKE", "LRECL", "MAXGENS", "MGMTCLAS", "MODIFY", "OPTCD", "OUTLIM", "OUTPUT", "PATH", "PATHDISP",
        "PATHMODE", "PATHOPTS", "PROTECT", "QNAME", "RECFM", "RECORG", "REFDD", "RETPD", "RLS", "ROACCESS",
        "SECMODEL", "SEGMENT", "SPACE", "SPIN", "STORCLAS", "SUBSYS", "SYMBOLS", "SYMLIST", "SYSOUT",
        "TERM", "UCS", "UNIT", "VOL", "VOLUME",
    ]
}
