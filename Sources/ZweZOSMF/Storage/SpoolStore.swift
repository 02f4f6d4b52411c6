import Foundation

/// The jobs on disk (`DIR/jes`, see DataDirectory): each job a folder published by one rename,
/// its `job.json` replaced atomically at every change, its spool published by one rename when
/// it is complete. What the JES acknowledges has gone through here first.
struct SpoolStore: Sendable {
    let directory: DataDirectory

    private func folder(_ number: Int) -> String { directory.jobs + "/" + JobNumbering.jobid(number) }
    private func jobFile(_ number: Int) -> String { folder(number) + "/job.json" }
    private func jclFile(_ number: Int) -> String { folder(number) + "/jcl" }
    private func spoolFolder(_ number: Int) -> String { folder(number) + "/spool" }

    /// What a start finds.
    struct Recovery: Sendable {
        var jobs: [Job]
        /// Jobs that had not reached OUTPUT: back in INPUT, to run from their start.
        var requeued: [(job: Job, was: JobStatus)]
        var damaged: [(path: String, moved: String, reason: String)]
        /// The highest job number ever handed out.
        var highestNumber: Int
    }

    /// Reads every job; removes what a killed writer left half-made; puts jobs that were INPUT
    /// or ACTIVE back to INPUT without the spool of an unfinished run.
    func recover() throws(DiskError) -> Recovery {
        try directory.prepareJES()
        var recovery = Recovery(jobs: [], requeued: [], damaged: [], highestNumber: 0)
        if let bytes = try DurableFiles.read(directory.nextJobFile),
           let number = Int(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) {
            recovery.highestNumber = number
        }
        for name in DurableFiles.names(in: directory.jobs).sorted() {
            let path = directory.jobs + "/" + name
            if name.hasPrefix(".") {
                // A job folder that was never published, a purge half done, a temporary file.
                DurableFiles.removeTree(path)
                continue
            }
            guard let number = JobNumbering.number(ofJobid: name), JobNumbering.jobid(number) == name else { continue }
            recovery.highestNumber = max(recovery.highestNumber, number)
            var job: Job
            do {
                guard let bytes = try DurableFiles.read(jobFile(number)) else {
                    throw DiskError(jobFile(number), reason: "job.json is missing")
                }
                job = try JSONDecoder().decode(Job.self, from: Data(bytes))
                guard job.number == number else { throw DiskError(jobFile(number), reason: "it describes \(job.jobid)") }
                guard access(jclFile(number), F_OK) == 0 else { throw DiskError(jclFile(number), reason: "the JCL is missing") }
            } catch {
                let moved = try moveAside(path, name: name)
                recovery.damaged.append((path, moved, (error as? DiskError)?.reason ?? "\(error)"))
                continue
            }
            for leftover in DurableFiles.names(in: path) where DurableFiles.isTemporary(leftover) {
                DurableFiles.removeTree(path + "/" + leftover)
            }
            var complete = job.status == .output
            if complete {
                // OUTPUT is written only after the spool; a spool that is not all there is not trusted.
                let present = Set(DurableFiles.names(in: spoolFolder(number)))
                complete = job.spool.allSatisfy { present.contains(String($0.id)) }
            }
            if !complete {
                let was = job.status
                DurableFiles.removeTree(spoolFolder(number))
                try DurableFiles.syncDirectory(path)
                job.status = .input
                job.retcode = nil
                job.spool = []
                job.started = nil
                job.ended = nil
                if was != .input { try save(job) }
                if was != .input { recovery.requeued.append((job, was)) }
            }
            recovery.jobs.append(job)
        }
        return recovery
    }

    private func moveAside(_ path: String, name: String) throws(DiskError) -> String {
        try DurableFiles.makeDirectory(directory.damaged)
        let target = directory.damaged + "/\(name)-\(Int(Date().timeIntervalSince1970))"
        try DurableFiles.move(path, to: target)
        return target
    }

    /// Records that job numbers up to `number` are taken, before any of them is used.
    func reserve(upTo number: Int) throws(DiskError) {
        try DurableFiles.write("\(number)\n", to: directory.nextJobFile, mode: 0o600)
    }

    /// Writes a new job's folder in full under a temporary name, then publishes it.
    func create(_ job: Job, jcl: [UInt8]) throws(DiskError) {
        let final = folder(job.number)
        let building = directory.jobs + "/.\(job.jobid).tmp-\(getpid())"
        DurableFiles.removeTree(building)
        guard mkdir(building, 0o700) == 0 else { throw DiskError(building) }
        do throws(DiskError) {
            try DurableFiles.writeNew(jcl, to: building + "/jcl")
            try DurableFiles.writeNew(try encode(job), to: building + "/job.json")
            try DurableFiles.syncDirectory(building)
            try DurableFiles.move(building, to: final)
        } catch {
            DurableFiles.removeTree(building)
            throw error
        }
    }

    /// Replaces a job's job.json.
    func save(_ job: Job) throws(DiskError) {
        try DurableFiles.write(try encode(job), to: jobFile(job.number))
    }

    /// Writes the whole spool of a job under a temporary name and publishes it; the caller
    /// saves the job as OUTPUT after this, so that OUTPUT always has its spool.
    func publishSpool(_ number: Int, _ files: [SpoolContent]) throws(DiskError) {
        let final = spoolFolder(number)
        let building = folder(number) + "/.spool.tmp-\(getpid())"
        DurableFiles.removeTree(building)
        DurableFiles.removeTree(final)
        guard mkdir(building, 0o700) == 0 else { throw DiskError(building) }
        do throws(DiskError) {
            for content in files {
                var text = content.records.joined(separator: "\n")
                if !content.records.isEmpty { text += "\n" }
                try DurableFiles.writeNew(Array(text.utf8), to: building + "/\(content.file.id)")
            }
            try DurableFiles.syncDirectory(building)
            try DurableFiles.move(building, to: final)
        } catch {
            DurableFiles.removeTree(building)
            throw error
        }
    }

    /// The records of a spool file as text, one per line; nil when it is not there.
    func records(_ number: Int, file id: Int) throws(DiskError) -> [UInt8]? {
        try DurableFiles.read(spoolFolder(number) + "/\(id)")
    }

    func jcl(_ number: Int) throws(DiskError) -> [UInt8] {
        try DurableFiles.read(jclFile(number)) ?? []
    }

    /// Removes a job: renamed out of sight first (one durable step), then deleted.
    func purge(_ number: Int) throws(DiskError) {
        let hidden = directory.jobs + "/.purged-\(JobNumbering.jobid(number))-\(getpid())"
        try DurableFiles.move(folder(number), to: hidden)
        DurableFiles.removeTree(hidden)
    }

    private func encode(_ job: Job) throws(DiskError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        guard let data = try? encoder.encode(job) else { throw DiskError(jobFile(job.number), reason: "the job cannot be encoded") }
        return Array(data)
    }
}
