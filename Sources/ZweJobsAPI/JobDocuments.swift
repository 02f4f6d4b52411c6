import Foundation

/// A job as Zowe's jobs API answers it, from z/OSMF's job document.
struct Job: Codable, Sendable, Equatable {
    var jobId: String
    var jobName: String
    var owner: String
    var type: String
    var status: String
    var returnCode: String?
    var subsystem: String
    var executionClass: String
    var phaseName: String

    /// z/OSMF's fields: `jobid, jobname, owner, type, status, retcode, subsystem, class, phase-name`.
    init?(zosmf object: [String: Any]) {
        guard let id = object["jobid"] as? String, let name = object["jobname"] as? String else { return nil }
        jobId = id
        jobName = name
        owner = object["owner"] as? String ?? ""
        type = object["type"] as? String ?? "JOB"
        status = object["status"] as? String ?? ""
        returnCode = object["retcode"] as? String
        subsystem = object["subsystem"] as? String ?? "JES2"
        executionClass = object["class"] as? String ?? ""
        phaseName = object["phase-name"] as? String ?? ""
    }

    // `returnCode` is written as null while the job has none, as Zowe's API does.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jobId, forKey: .jobId)
        try container.encode(jobName, forKey: .jobName)
        try container.encode(owner, forKey: .owner)
        try container.encode(type, forKey: .type)
        try container.encode(status, forKey: .status)
        try container.encode(returnCode, forKey: .returnCode)
        try container.encode(subsystem, forKey: .subsystem)
        try container.encode(executionClass, forKey: .executionClass)
        try container.encode(phaseName, forKey: .phaseName)
    }
}

/// A spool file of a job, from z/OSMF's spool document.
struct JobFile: Codable, Sendable, Equatable {
    var id: Int
    var ddName: String
    var stepName: String
    var recordFormat: String
    var recordLength: Int
    var byteCount: Int
    var recordCount: Int

    /// z/OSMF's fields: `id, ddname, stepname, recfm, lrecl, byte-count, record-count`.
    init?(zosmf object: [String: Any]) {
        guard let id = Self.int(object["id"]), let ddName = object["ddname"] as? String else { return nil }
        self.id = id
        self.ddName = ddName
        stepName = object["stepname"] as? String ?? ""
        recordFormat = object["recfm"] as? String ?? ""
        recordLength = Self.int(object["lrecl"]) ?? 0
        byteCount = Self.int(object["byte-count"]) ?? 0
        recordCount = Self.int(object["record-count"]) ?? 0
    }

    private static func int(_ value: Any?) -> Int? {
        switch value {
        case let number as NSNumber: number.intValue
        case let text as String: Int(text)
        default: nil
        }
    }
}

/// `{"items": [...]}`, the jobs API's list form.
struct Items<Element: Encodable & Sendable>: Encodable, Sendable {
    let items: [Element]
}

/// The jobs API's error body: `{"status","message"}`.
struct JobsError: Error, Encodable, Sendable {
    let status: Int
    let message: String
}
