/// A JCL statement as the converter sees it: the records it was written on (for JESJCL), its
/// name, operation and operand text joined across continuations, and the in-stream data that
/// follows a `DD *` or `DD DATA`.
struct JCLStatement: Sendable {
    /// The statement number JESJCL shows; comments have none.
    var number: Int
    var records: [String]
    var name: String
    var operation: String
    var operands: String
    var inStreamData: [String]?
    /// `//SYSIN DD *` made by JES for data that followed a step without a DD statement.
    var generated = false
}

/// A problem the converter found, for the job's JESYSMSG: `IEFCnnnI TEXT`, on a statement.
struct JCLProblem: Sendable, Equatable {
    var statement: Int
    var message: String
}

/// Records (80-column cards as text lines) into statements, as JES2's reader and the
/// converter's first pass do: `//*` comments, `/*` delimiters and JES2 control statements,
/// continuations (an operand field that ends with a comma continues on the next `//` record,
/// from column 4 to 16), in-stream data after `DD *` (up to `/*` or the next `//`), `DD DATA`
/// (up to `/*`) and `DLM=xx`, the null statement `//` that ends the job, and data with no DD
/// statement in a step, for which a `//SYSIN DD *` is generated. Columns 72 to 80 of a
/// statement are not read (continuation mark and sequence numbers).
enum JCLReader {
    struct Result: Sendable {
        var statements: [JCLStatement]
        /// Records of the listing that are not statements (comments), keyed by the index of
        /// the statement they precede, so that JESJCL shows them in place.
        var comments: [Int: [String]]
        var problems: [JCLProblem]
    }

    static func read(_ records: [String]) -> Result {
        var statements: [JCLStatement] = []
        var comments: [Int: [String]] = [:]
        var problems: [JCLProblem] = []
        var index = 0
        var number = 0
        var inStep = false

        func field(_ record: String) -> Substring {
            let chars = Substring(record)
            return chars.prefix(71)
        }

        while index < records.count {
            let record = records[index]
            if record.hasPrefix("//*") {
                comments[statements.count, default: []].append(record)
                index += 1
                continue
            }
            if record.hasPrefix("/*") {
                // A delimiter with nothing open, or a JES2 control statement (/*JOBPARM ...).
                index += 1
                continue
            }
            if record.hasPrefix("//") {
                let rest = field(record).dropFirst(2)
                if rest.allSatisfy({ $0 == " " }) { break }  // the null statement ends the job
                number += 1
                var statement = parse(field(record), number: number)
                statement.records = [record]
                index += 1
                // Continuations.
                while statement.operands.hasSuffix(",") {
                    guard index < records.count, records[index].hasPrefix("//"), !records[index].hasPrefix("//*") else {
                        problems.append(JCLProblem(statement: number, message: "IEFC621I EXPECTED CONTINUATION NOT RECEIVED"))
                        break
                    }
                    let continuation = field(records[index]).dropFirst(2)
                    let leading = continuation.prefix(while: { $0 == " " }).count
                    guard leading >= 1, leading <= 13 else {
                        problems.append(JCLProblem(statement: number, message: "IEFC621I EXPECTED CONTINUATION NOT RECEIVED"))
                        break
                    }
                    statement.records.append(records[index])
                    statement.operands += operandField(continuation.dropFirst(leading))
                    index += 1
                }
                if statement.operation == "EXEC" { inStep = true }
                if statement.operation == "DD", let delimiter = inStreamDelimiter(statement.operands) {
                    var data: [String] = []
                    while index < records.count {
                        let line = records[index]
                        if let custom = delimiter.custom {
                            if line.hasPrefix(custom) { index += 1; break }
                        } else if line.hasPrefix("/*") {
                            index += 1
                            break
                        } else if !delimiter.data && line.hasPrefix("//") {
                            break
                        }
                        data.append(line)
                        index += 1
                    }
                    statement.inStreamData = data
                }
                statements.append(statement)
                continue
            }
            if record.allSatisfy({ $0 == " " }) {
                // Blank lines between statements: hand-written JCL has them; JES would read them
                // as data, which helps nobody here.
                index += 1
                continue
            }
            // Data where no DD * announced it.
            var data: [String] = []
            while index < records.count, !records[index].hasPrefix("//"), !records[index].hasPrefix("/*") {
                data.append(records[index])
                index += 1
            }
            if index < records.count, records[index].hasPrefix("/*"), !records[index].hasPrefix("/*JOBPARM") { index += 1 }
            number += 1
            if inStep {
                statements.append(JCLStatement(
                    number: number, records: ["//SYSIN DD *                 GENERATED STATEMENT"], name: "SYSIN",
                    operation: "DD", operands: "*", inStreamData: data, generated: true))
            } else {
                statements.append(JCLStatement(number: number, records: [data.first ?? ""], name: "", operation: "", operands: ""))
                problems.append(JCLProblem(statement: number, message: "IEFC601I INVALID JCL STATEMENT"))
            }
        }
        return Result(statements: statements, comments: comments, problems: problems)
    }

    /// Name, operation and operands of a statement's first record (from column 3).
    private static func parse(_ text: Substring, number: Int) -> JCLStatement {
        let body = text.dropFirst(2)
        let name = body.first == " " ? "" : String(body.prefix(while: { $0 != " " }))
        var rest = body.dropFirst(name.count).drop(while: { $0 == " " })
        let operation = String(rest.prefix(while: { $0 != " " }))
        rest = rest.dropFirst(operation.count).drop(while: { $0 == " " })
        return JCLStatement(number: number, records: [], name: name, operation: operation, operands: operandField(rest))
    }

    /// The operand field: up to the first blank outside apostrophes; what follows is a comment.
    private static func operandField(_ text: Substring) -> String {
        var quoted = false
        var end = text.startIndex
        for index in text.indices {
            let character = text[index]
            if character == "'" { quoted.toggle() }
            if character == " " && !quoted { break }
            end = text.index(after: index)
        }
        return String(text[text.startIndex..<end])
    }

    /// Whether a DD statement's operands start in-stream data, and what ends it.
    private static func inStreamDelimiter(_ operands: String) -> (data: Bool, custom: String?)? {
        let parts = JCLOperands.split(operands).values
        guard let first = parts.first, case .positional(let value) = first, value == "*" || value == "DATA" else { return nil }
        var custom: String?
        for part in parts {
            if case .keyword("DLM", let value) = part {
                custom = value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 ? String(value.dropFirst().dropLast()) : value
            }
        }
        return (value == "DATA", custom)
    }
}
