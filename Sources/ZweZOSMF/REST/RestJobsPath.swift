/// How a request names a job: by name and id (`jobs/NAME/JOB00001`), or by its correlator
/// (`jobs/J0000001SY1.....XXXXXXXX.......%3A`).
enum JobReference: Sendable, Equatable {
    case named(name: String, id: String)
    case correlator(String)

    /// `NAME(ID)`, or the correlator, as z/OSMF's messages quote a reference.
    var text: String {
        switch self {
        case .named(let name, let id): "\(name)(\(id))"
        case .correlator(let correlator): correlator
        }
    }

    /// Job names have at most 8 characters, correlators 32 or more.
    static func isCorrelator(_ segment: String) -> Bool { segment.count > 8 }
}

/// What a path under `/zosmf/restjobs/jobs` asks for.
enum RestJobsTarget: Sendable, Equatable {
    case jobs
    case job(JobReference)
    case files(JobReference)
    /// `files/{n}/records` or `files/JCL/records`.
    case records(JobReference, file: String)

    /// Reads the rest of the path after `/zosmf/restjobs/jobs`. The whole rest is
    /// percent-decoded first, so that `NAME%2FID` is `NAME/ID`, as z/OSMF reads it (clients
    /// and the API ML gateway send job references with an encoded slash); nil for a path that
    /// names nothing here.
    static func parse(_ rest: Substring) -> RestJobsTarget? {
        guard let decoded = String(rest).removingPercentEncoding else { return nil }
        let segments = decoded.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        func named(_ name: String, _ id: String) -> JobReference { .named(name: name.uppercased(), id: id.uppercased()) }
        switch segments.count {
        case 0:
            return .jobs
        case 1:
            return .job(.correlator(segments[0]))
        case 2:
            if JobReference.isCorrelator(segments[0]) {
                return segments[1] == "files" ? .files(.correlator(segments[0])) : nil
            }
            return .job(named(segments[0], segments[1]))
        case 3:
            guard segments[2] == "files", !JobReference.isCorrelator(segments[0]) else { return nil }
            return .files(named(segments[0], segments[1]))
        case 4:
            guard JobReference.isCorrelator(segments[0]), segments[1] == "files", segments[3] == "records" else { return nil }
            return .records(.correlator(segments[0]), file: segments[2])
        case 5:
            guard !JobReference.isCorrelator(segments[0]), segments[2] == "files", segments[4] == "records" else { return nil }
            return .records(named(segments[0], segments[1]), file: segments[3])
        default:
            return nil
        }
    }
}
