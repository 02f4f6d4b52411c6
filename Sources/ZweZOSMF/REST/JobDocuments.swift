import Foundation

/// The JSON of z/OSMF's jobs service, field for field as the Zowe SDKs read it. Absent values
/// are `null`, as z/OSMF writes them (`retcode` of a job that has not ended, `procstep`).
struct JobDocument: Encodable {
    let job: Job
    /// `https://host:port/zosmf/restjobs/jobs`.
    let base: String
    /// With `exec-data=Y`: when and where it was submitted, started and ended.
    let execData: Bool

    private enum Key: String, CodingKey {
        case jobid, jobname, subsystem, owner, status, type, `class`, retcode, url
        case filesURL = "files-url", correlator = "job-correlator", phase, phaseName = "phase-name"
        case execSystem = "exec-system", execMember = "exec-member", execSubmitted = "exec-submitted"
        case execStarted = "exec-started", execEnded = "exec-ended"
    }

    /// `url` in z/OSMF's form: the job by its correlator, ':' percent-encoded.
    static func url(_ job: Job, base: String) -> String {
        base + "/" + job.correlator.replacingOccurrences(of: ":", with: "%3A")
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(job.jobid, forKey: .jobid)
        try container.encode(job.name, forKey: .jobname)
        try container.encode(JobNumbering.member, forKey: .subsystem)
        try container.encode(job.owner, forKey: .owner)
        try container.encode(job.status.rawValue, forKey: .status)
        try container.encode("JOB", forKey: .type)
        try container.encode(job.jobClass, forKey: .class)
        if let retcode = job.retcode { try container.encode(retcode, forKey: .retcode) } else { try container.encodeNil(forKey: .retcode) }
        let url = Self.url(job, base: base)
        try container.encode(url, forKey: .url)
        try container.encode(url + "/files", forKey: .filesURL)
        try container.encode(job.correlator, forKey: .correlator)
        try container.encode(job.status.phase.number, forKey: .phase)
        try container.encode(job.status.phase.name, forKey: .phaseName)
        if execData {
            func time(_ value: Int64?, _ key: Key) throws {
                if let value { try container.encode(SpoolText.Moment(value).iso, forKey: key) } else { try container.encodeNil(forKey: key) }
            }
            if job.started != nil {
                try container.encode(JobNumbering.systemName, forKey: .execSystem)
                try container.encode(JobNumbering.systemName, forKey: .execMember)
            } else {
                try container.encodeNil(forKey: .execSystem)
                try container.encodeNil(forKey: .execMember)
            }
            try time(job.submitted, .execSubmitted)
            try time(job.started, .execStarted)
            try time(job.ended, .execEnded)
        }
    }
}

/// One entry of `GET .../files`.
struct SpoolFileDocument: Encodable {
    let file: SpoolFile
    let job: Job
    let base: String

    private enum Key: String, CodingKey {
        case id, ddname, stepname, procstep, `class`, byteCount = "byte-count", recordCount = "record-count"
        case recordsURL = "records-url", recfm, lrecl, jobid, jobname, subsystem, correlator = "job-correlator"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(file.id, forKey: .id)
        try container.encode(file.ddname, forKey: .ddname)
        try container.encode(file.stepname, forKey: .stepname)
        if let procstep = file.procstep { try container.encode(procstep, forKey: .procstep) } else { try container.encodeNil(forKey: .procstep) }
        try container.encode(file.outputClass, forKey: .class)
        try container.encode(file.byteCount, forKey: .byteCount)
        try container.encode(file.recordCount, forKey: .recordCount)
        try container.encode(JobDocument.url(job, base: base) + "/files/\(file.id)/records", forKey: .recordsURL)
        try container.encode(file.recfm, forKey: .recfm)
        try container.encode(file.lrecl, forKey: .lrecl)
        try container.encode(job.jobid, forKey: .jobid)
        try container.encode(job.name, forKey: .jobname)
        try container.encode(JobNumbering.member, forKey: .subsystem)
        try container.encode(job.correlator, forKey: .correlator)
    }
}

/// The answer to a cancel, hold, release, class change or purge: z/OSMF's feedback document;
/// `status` "0" is success.
struct JobFeedback: Encodable {
    let job: Job

    private enum Key: String, CodingKey {
        case jobid, jobname, originalJobid = "original-jobid", owner, member, sysname, correlator = "job-correlator", status
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(job.jobid, forKey: .jobid)
        try container.encode(job.name, forKey: .jobname)
        try container.encode(job.jobid, forKey: .originalJobid)
        try container.encode(job.owner, forKey: .owner)
        try container.encode(JobNumbering.member, forKey: .member)
        try container.encode(JobNumbering.systemName, forKey: .sysname)
        try container.encode(job.correlator, forKey: .correlator)
        try container.encode("0", forKey: .status)
    }
}

/// `GET /zosmf/info`: what z/OSMF says about itself without authentication.
struct InfoDocument: Encodable {
    let hostname: String
    let port: Int

    private struct Plugin: Encodable {
        let pluginVersion: String
        let pluginDefaultName: String
        let pluginStatus: String
    }

    private enum Key: String, CodingKey {
        case zosVersion = "zos_version", zosmfPort = "zosmf_port", zosmfVersion = "zosmf_version"
        case zosmfHostname = "zosmf_hostname", plugins, zosmfSafRealm = "zosmf_saf_realm"
        case zosmfFullVersion = "zosmf_full_version", apiVersion = "api_version"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode("04.27.00", forKey: .zosVersion)
        try container.encode(String(port), forKey: .zosmfPort)
        try container.encode("27", forKey: .zosmfVersion)
        try container.encode(hostname, forKey: .zosmfHostname)
        try container.encode([
            Plugin(pluginVersion: "HSMA240;ZWESTUB;1.0", pluginDefaultName: "z/OS Jobs REST services (stub)", pluginStatus: "ACTIVE"),
        ], forKey: .plugins)
        try container.encode("SAFRealm", forKey: .zosmfSafRealm)
        try container.encode("27.0", forKey: .zosmfFullVersion)
        try container.encode("1", forKey: .apiVersion)
    }
}

/// An error body: z/OSMF's four fields and any extra ones.
struct ErrorDocument: Encodable {
    let error: ZOSMFError

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(error.rc, forKey: Key(stringValue: "rc"))
        try container.encode(error.reason, forKey: Key(stringValue: "reason"))
        try container.encode(error.category, forKey: Key(stringValue: "category"))
        try container.encode(error.message, forKey: Key(stringValue: "message"))
        for (key, value) in error.extra { try container.encode(value, forKey: Key(stringValue: key)) }
    }
}
