import Foundation
import Logging
import ServiceLifecycle
import ZweMessages

/// The stub's JES: the jobs, their queues and their spool. A submission is on disk before it is
/// acknowledged; each job then goes INPUT -> ACTIVE -> OUTPUT on its own task (`drive`), with
/// the configured delays, and its spool is published whole before it is OUTPUT. Commands
/// (cancel, hold, release, purge) change the job on disk before they answer. An actor, so that
/// every change to a job happens in one place and in one order; its methods do their file
/// work without suspending, so no other change can slip between reading a job and writing it.
actor JobEntrySubsystem {
    private let store: SpoolStore
    private let timing: JESTiming
    private let logger: Logger
    private var jobs: [Int: Job] = [:]
    private var highestNumber: Int
    /// Jobs a driver task is following, so that a release does not start a second one.
    private var driven: Set<Int> = []
    private let queue: AsyncStream<Int>.Continuation
    /// Numbers of jobs that are ready to be driven (submitted, released, found at start-up).
    nonisolated let runnable: AsyncStream<Int>

    init(store: SpoolStore, recovery: SpoolStore.Recovery, timing: JESTiming, logger: Logger) {
        self.store = store
        self.timing = timing
        self.logger = logger
        self.highestNumber = recovery.highestNumber
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        self.runnable = stream
        self.queue = continuation
        for job in recovery.jobs {
            jobs[job.number] = job
            if job.status == .input && !job.held { continuation.yield(job.number) }
        }
    }

    // MARK: - Reading

    /// Every job, by number.
    func allJobs() -> [Job] {
        jobs.values.sorted { $0.number < $1.number }
    }

    func job(_ number: Int) -> Job? { jobs[number] }

    func job(correlator: String) -> Job? {
        let wanted = correlator.uppercased()
        return jobs.values.first { $0.correlator.uppercased() == wanted }
    }

    /// A spool file's records as stored (one per line); nil when the job or file is not there.
    func records(_ number: Int, file id: Int) throws(DiskError) -> [UInt8]? {
        guard let job = jobs[number], job.spool.contains(where: { $0.id == id }) else { return nil }
        return try store.records(number, file: id)
    }

    func jcl(_ number: Int) throws(DiskError) -> [UInt8]? {
        guard jobs[number] != nil else { return nil }
        return try store.jcl(number)
    }

    // MARK: - Changing

    /// Takes a job in: its number reserved and the job with its JCL written before it exists
    /// for anyone, so that an acknowledged submission survives any kill.
    func submit(jcl: [UInt8], card: JobCard, owner: String) throws(DiskError) -> Job {
        let number = highestNumber + 1
        try store.reserve(upTo: number)
        highestNumber = number
        let now = Self.now()
        let job = Job(
            number: number, name: card.name, owner: owner, jobClass: card.jobClass, messageClass: card.messageClass,
            correlator: JobNumbering.correlator(number: number, submittedMilliseconds: now), status: .input,
            retcode: nil, held: card.held, submitted: now, started: nil, ended: nil, runs: 0, spool: [])
        try store.create(job, jcl: jcl)
        jobs[number] = job
        if !job.held { queue.yield(number) }
        return job
    }

    /// Cancels a job that has not ended: before it ran, it ends CANCELED; while it runs, with
    /// ABEND S222. An ended job is left as it is.
    func cancel(_ number: Int, by user: String) throws(DiskError) -> Job? {
        guard let job = jobs[number] else { return nil }
        switch job.status {
        case .output: return job
        case .input: return try finish(number, ending: .cancelledBeforeRunning(by: user))
        case .active: return try finish(number, ending: .cancelledWhileRunning(by: user))
        }
    }

    func hold(_ number: Int) throws(DiskError) -> Job? {
        guard var job = jobs[number] else { return nil }
        guard job.status == .input, !job.held else { return job }
        job.held = true
        try store.save(job)
        jobs[number] = job
        return job
    }

    func release(_ number: Int) throws(DiskError) -> Job? {
        guard var job = jobs[number] else { return nil }
        guard job.held else { return job }
        job.held = false
        try store.save(job)
        jobs[number] = job
        if job.status == .input { queue.yield(number) }
        return job
    }

    /// A new class for a job that waits in INPUT.
    func changeClass(_ number: Int, to jobClass: String) throws(DiskError) -> Job? {
        guard var job = jobs[number] else { return nil }
        guard job.status == .input else { return job }
        job.jobClass = jobClass
        try store.save(job)
        jobs[number] = job
        return job
    }

    /// Removes a job and its spool, whatever its status (a running one is cancelled with it).
    func purge(_ number: Int) throws(DiskError) -> Job? {
        guard let job = jobs[number] else { return nil }
        try store.purge(number)
        jobs[number] = nil
        return job
    }

    // MARK: - Running

    /// One job's way from INPUT to OUTPUT. Returns early when the job is held, cancelled or
    /// purged meanwhile, and when the stub stops (the job stays as it is on disk and runs again
    /// from its start at the next start).
    func drive(_ number: Int) async {
        guard driven.insert(number).inserted else { return }
        defer { driven.remove(number) }
        guard await pause(timing.inputMilliseconds) else { return }
        guard var job = jobs[number], job.status == .input, !job.held else { return }
        let records: [String]
        do {
            records = Self.records(of: try store.jcl(number))
        } catch {
            report(error)
            return
        }
        let converted = JobConverter.convert(records)
        if !converted.problems.isEmpty {
            // The converter stops it: it never becomes ACTIVE.
            _ = try? finish(number, ending: .completed, records: records, converted: converted)
            return
        }
        job.status = .active
        job.started = Self.now()
        job.runs += 1
        do {
            try store.save(job)
        } catch {
            report(error)
            return
        }
        jobs[number] = job
        guard await pause(timing.activeMilliseconds) else { return }
        guard jobs[number]?.status == .active else { return }
        _ = try? finish(number, ending: .completed, records: records, converted: converted)
    }

    /// Sleeps; false when the task was cancelled (the stub is stopping).
    private func pause(_ milliseconds: Int) async -> Bool {
        if milliseconds > 0 {
            try? await Task.sleep(for: .milliseconds(milliseconds))
        }
        return !Task.isCancelled
    }

    /// Ends a job: its spool written and published, then the job saved as OUTPUT.
    @discardableResult
    private func finish(
        _ number: Int, ending: JobExecution.Ending, records known: [String]? = nil, converted known2: ConvertedJob? = nil
    ) throws(DiskError) -> Job? {
        guard var job = jobs[number] else { return nil }
        do throws(DiskError) {
            let records: [String]
            if let known { records = known } else { records = Self.records(of: try store.jcl(number)) }
            let converted = known2 ?? JobConverter.convert(records)
            let ended = Self.now()
            if case .cancelledBeforeRunning = ending { job.started = nil }
            let outcome = JobExecution.run(job, records: records, converted: converted,
                                           started: job.started ?? ended, ended: ended, ending: ending)
            try store.publishSpool(number, outcome.files)
            job.status = .output
            job.held = false
            job.retcode = outcome.retcode
            job.ended = ended
            job.spool = outcome.files.map(\.file)
            try store.save(job)
        } catch {
            report(error)
            throw error
        }
        jobs[number] = job
        logger.info("\(Diagnostic(MessageCatalog.zosmfJobEnded, ["name": job.name, "job": job.jobid, "owner": job.owner, "retcode": job.retcode ?? ""]).description)")
        return job
    }

    private func report(_ error: DiskError) {
        logger.error("\(Diagnostic(MessageCatalog.zosmfSpoolWriteFailed, ["path": error.path, "reason": error.reason]).description)")
    }

    /// The records of stored JCL: its lines, without the line end of the last one.
    static func records(of jcl: [UInt8]) -> [String] {
        var lines = String(decoding: jcl, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// Drives every runnable job of the JES on its own task, for as long as the stub runs; at a
/// graceful stop the drivers are cancelled after the server has stopped taking requests.
struct JESService: Service {
    let jes: JobEntrySubsystem

    func run() async {
        let jes = self.jes
        await withDiscardingTaskGroup { group in
            for await number in jes.runnable.cancelOnGracefulShutdown() {
                group.addTask { await jes.drive(number) }
            }
            group.cancelAll()
        }
    }
}
