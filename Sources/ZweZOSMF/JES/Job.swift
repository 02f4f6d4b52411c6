import Foundation

/// Where a job is: JES's three queues as z/OSMF names them.
enum JobStatus: String, Codable, Sendable {
    case input = "INPUT"
    case active = "ACTIVE"
    case output = "OUTPUT"

    /// z/OSMF's `phase` and `phase-name` (JES2's job phases).
    var phase: (number: Int, name: String) {
        switch self {
        case .input: (130, "Job is actively converting")
        case .active: (14, "Job is actively executing")
        case .output: (20, "Job is on the hard copy queue")
        }
    }
}

/// One spool file of a job (a JES data set), without its records, which stay on disk.
struct SpoolFile: Codable, Sendable, Equatable {
    var id: Int
    var ddname: String
    var stepname: String
    var procstep: String?
    var outputClass: String
    var recfm: String
    var lrecl: Int
    var byteCount: Int
    var recordCount: Int
}

/// A job as the JES keeps it (`job.json`): what the JOB card said, who submitted it, where it
/// is, and, from OUTPUT on, how it ended and the index of its spool.
struct Job: Codable, Sendable {
    var number: Int
    var name: String
    var owner: String
    var jobClass: String
    var messageClass: String
    var correlator: String
    var status: JobStatus
    /// `CC 0000`, `ABEND S806`, `JCL ERROR`, `CANCELED`; nil until OUTPUT.
    var retcode: String?
    /// Held jobs stay INPUT until released (TYPRUN=HOLD, or a hold request).
    var held: Bool
    /// Milliseconds since 1970.
    var submitted: Int64
    var started: Int64?
    var ended: Int64?
    /// How many times it began to run: more than 1 when the stub ended while it was ACTIVE.
    var runs: Int
    var spool: [SpoolFile]

    var jobid: String { JobNumbering.jobid(number) }
    /// `NAME(JOBnnnnn)`, the way z/OSMF's messages name a job.
    var reference: String { "\(name)(\(jobid))" }
}

/// Job ids and correlators, from the job number.
enum JobNumbering {
    /// The name the stub's "system" has in correlators and feedback (`sysname`).
    static let systemName = "SY1"
    static let member = "JES2"

    /// `JOB00001` up to `JOB99999`, then `J0100000`, as JES2 numbers beyond five digits.
    static func jobid(_ number: Int) -> String {
        number <= 99_999 ? "JOB" + padded(number, 5) : "J" + padded(number, 7)
    }

    /// The number in a job id, or nil when the text is not one.
    static func number(ofJobid text: String) -> Int? {
        let upper = text.uppercased()
        if upper.hasPrefix("JOB"), upper.count == 8, let value = Int(upper.dropFirst(3)) { return value }
        if upper.hasPrefix("J"), upper.count == 8, let value = Int(upper.dropFirst(1)) { return value }
        return nil
    }

    /// z/OSMF's 32-character correlator without a user portion: the job's letter and number,
    /// the system name padded with '.', eight hex digits of the submission time, '.' and ':'.
    static func correlator(number: Int, submittedMilliseconds: Int64) -> String {
        let system = systemName.padding(toLength: 8, withPad: ".", startingAt: 0)
        let stamp = String(UInt32(truncatingIfNeeded: submittedMilliseconds / 10), radix: 16, uppercase: true)
        return "J" + padded(number, 7) + system + String(repeating: "0", count: 8 - stamp.count) + stamp + "......." + ":"
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
