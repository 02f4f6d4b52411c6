import Foundation

/// What the internal reader checks before a job exists: text that starts with a slash, records
/// no longer than the reader's record length, and a first statement that is a named JOB
/// statement. Input that fails is refused with z/OSMF's 400; anything wrong beyond the JOB
/// statement's presence is for the converter, and makes a job that ends in JCL ERROR.
enum JobSubmission {
    /// The internal reader's record length unless X-IBM-Intrdr-Lrecl says otherwise.
    static let defaultRecordLength = 80

    static func check(_ jcl: [UInt8], recordLength: Int) throws(ZOSMFError) -> JobCard {
        guard let text = String(validating: jcl, as: UTF8.self) else {
            throw ZOSMFError(status: .badRequest, rc: 4, reason: 14, category: 6, message: "Unsupported encoding: the JCL is not UTF-8 text")
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ZOSMFError.missingContent("jcl") }
        guard text.hasPrefix("/") else { throw ZOSMFError.noSlash() }
        let records = JobEntrySubsystem.records(of: jcl)
        for record in records where record.utf8.count > recordLength {
            throw ZOSMFError.recordTooLong(record.utf8.count, maximum: recordLength)
        }
        guard let card = JobConverter.jobCard(records) else { throw ZOSMFError.notAJob() }
        return card
    }

    /// The JCL of a `{"file": ...}` submission: `//'DSN'` or `//'DSN(MEMBER)'` from the data
    /// sets of the data directory, `/path` from its z/OS UNIX files. Nothing outside those two
    /// folders is read: the stub may run as root, and its clients are not.
    static func read(file: String, directory: DataDirectory) throws(ZOSMFError) -> [UInt8] {
        let path: String
        if file.hasPrefix("//") {
            var name = String(file.dropFirst(2)).uppercased()
            if name.hasPrefix("'") && name.hasSuffix("'") && name.count >= 2 { name = String(name.dropFirst().dropLast()) }
            var member: String?
            if let open = name.firstIndex(of: "("), name.hasSuffix(")") {
                member = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
                name = String(name[..<open])
            }
            let qualifiers = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard name.count <= 44, !qualifiers.isEmpty, qualifiers.allSatisfy(JCLOperands.isName),
                  member.map(JCLOperands.isName) ?? true else { throw ZOSMFError.dataSetNotFound() }
            path = directory.datasets + "/" + name + (member.map { "/" + $0 } ?? "")
        } else if file.hasPrefix("/") {
            let parts = file.split(separator: "/", omittingEmptySubsequences: true)
            guard !parts.contains(".."), !parts.isEmpty else { throw ZOSMFError.pathNotAbsolute(file) }
            path = directory.uss + "/" + parts.joined(separator: "/")
        } else {
            throw ZOSMFError.pathNotAbsolute(file)
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
              let bytes = try? DurableFiles.read(path) else { throw ZOSMFError.dataSetNotFound() }
        return bytes
    }
}
