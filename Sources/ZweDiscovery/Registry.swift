import NIOCore
import Synchronization

/// The registry: every instance by application and id, their leases, the recent changes
/// that make up the delta, and the serialised answers.
///
/// All state sits behind one lock held only for dictionary work; serialising happens outside
/// it on a snapshot (dictionaries are copy-on-write, so taking one is cheap). The whole
/// registry's JSON and XML are kept per registry version and rebuilt after a change; each
/// instance's serialised form is kept too, so a rebuild after one change mostly copies bytes.
/// A renewal changes only the lease's timestamps: like Eureka's response cache it does not
/// invalidate the registry's answer, which is rebuilt after at most `responseCacheMaxAge`.
/// Each instance's forms are written when it changes, by the thread that changed it, not by
/// the next reader.
public final class Registry: Sendable {
    public let lease: LeaseSettings
    /// How old a cached registry answer may get while only renewals happened.
    public static let responseCacheMaxAge: Duration = .seconds(30)

    private let state = Mutex(State())

    public init(lease: LeaseSettings = LeaseSettings()) {
        self.lease = lease
    }

    /// One instance as stored: immutable, replaced on every change, and shared by the entry,
    /// the delta's change list and snapshots (one retain to copy, however large the info is).
    /// It keeps the instance's JSON and XML once they were written.
    final class Record: Sendable {
        let info: InstanceInfo
        /// Copies of what scans over all instances read, so that they need not copy `info`.
        let effectiveStatus: InstanceStatus
        let isStatic: Bool
        let lease: Duration
        private let built = Mutex<(json: [UInt8]?, xml: [UInt8]?)>((nil, nil))

        init(_ info: InstanceInfo) {
            self.info = info
            effectiveStatus = info.effectiveStatus
            isStatic = info.isStatic
            lease = .seconds(info.durationInSecs)
        }

        /// Writes both forms now, so that the registry's next answer only copies them. Called by
        /// the thread that made the change, after the registry's lock is released: a full read
        /// of a registry whose instances all renewed since the last one (every instance renews
        /// within 30 s) would otherwise write every instance again while the client waits.
        func build() {
            _ = bytes(.json)
            _ = bytes(.xml)
        }

        func bytes(_ format: EurekaFormat) -> [UInt8] {
            let known = built.withLock { format == .json ? $0.json : $0.xml }
            if let known { return known }
            var out = ByteWriter(capacity: 1536)
            switch format {
            case .json: EurekaCodec.instanceJSON(info, into: &out)
            case .xml: EurekaCodec.instanceXML(info, into: &out)
            }
            let bytes = out.bytes
            built.withLock { built in
                if format == .json { built.json = bytes } else { built.xml = bytes }
            }
            return bytes
        }
    }

    /// An instance with its lease.
    struct Entry: Sendable {
        var record: Record
        var renewedAt: ContinuousClock.Instant
        var info: InstanceInfo { record.info }
    }

    /// A change as the delta shows it.
    struct Change: Sendable {
        var record: Record
        var at: ContinuousClock.Instant
    }

    enum CacheKey: Hashable {
        case full(EurekaFormat)
        case delta(EurekaFormat)
    }

    struct Cached: Sendable {
        var version: UInt64
        var builtAt: ContinuousClock.Instant
        var body: ByteBuffer
    }

    struct State: Sendable {
        var apps: [String: [String: Entry]] = [:]
        /// Counts every change a client can see; `versions__delta`.
        var version: UInt64 = 1
        /// Oldest first.
        var changes: [Change] = []
        var cache: [CacheKey: Cached] = [:]
        var count = 0

        mutating func record(_ record: Record, at: ContinuousClock.Instant, retention: Duration) {
            version &+= 1
            changes.append(Change(record: record, at: at))
            if let firstKept = changes.firstIndex(where: { at - $0.at <= retention }) {
                if firstKept > 0 { changes.removeFirst(firstKept) }
            } else {
                changes.removeAll()
            }
            cache.removeAll(keepingCapacity: true)
        }
    }

    private var retention: Duration { .seconds(lease.deltaRetentionSeconds) }

    // MARK: - changes

    /// Registers or replaces an instance; returns it as stored. An instance registered again
    /// keeps its status override and the time it first came up; when the registry already holds
    /// newer data for it (a later lastDirtyTimestamp), that data stays, as in Eureka.
    @discardableResult
    public func register(_ incoming: InstanceInfo, now: Int64 = currentMilliseconds(),
                         at instant: ContinuousClock.Instant = .now) -> InstanceInfo {
        let retention = self.retention
        let (stored, record) = state.withLock { state in
            let existing = state.apps[incoming.app]?[incoming.instanceId]
            var info = incoming
            if let existing, existing.info.lastDirtyTimestamp > incoming.lastDirtyTimestamp, !incoming.isStatic {
                info = existing.info
            }
            info.overriddenStatus = existing?.info.overriddenStatus ?? .unknown
            info.registrationTimestamp = now
            info.lastRenewalTimestamp = now
            info.evictionTimestamp = 0
            info.serviceUpTimestamp = existing?.info.serviceUpTimestamp ?? 0
            if info.serviceUpTimestamp == 0, info.effectiveStatus == .up { info.serviceUpTimestamp = now }
            info.lastUpdatedTimestamp = now
            info.actionType = .added
            if existing == nil { state.count += 1 }
            let record = Record(info)
            state.apps[info.app, default: [:]][info.instanceId] = Entry(record: record, renewedAt: instant)
            state.record(record, at: instant, retention: retention)
            return (info, record)
        }
        record.build()
        return stored
    }

    public enum RenewOutcome: Equatable, Sendable {
        case renewed
        /// Also when the client holds newer data than the registry (a later
        /// lastDirtyTimestamp): Eureka answers 404 so that the client registers again.
        case notFound
    }

    /// Renews a lease. A status the client reports that differs from the stored one is taken
    /// over (and is a change); nothing else is.
    public func renew(app: String, id: String, status: InstanceStatus? = nil, lastDirtyTimestamp: Int64? = nil,
                      now: Int64 = currentMilliseconds(), at instant: ContinuousClock.Instant = .now) -> RenewOutcome {
        let retention = self.retention
        let renewed: Record? = state.withLock { state in
            guard let entry = state.apps[app]?[id] else { return nil }
            if let lastDirtyTimestamp, lastDirtyTimestamp > entry.info.lastDirtyTimestamp { return nil }
            var info = entry.info
            info.lastRenewalTimestamp = now
            let changed = status.map { $0 != .unknown && $0 != info.status } ?? false
            if changed, let status {
                info.status = status
                if status == .up, info.serviceUpTimestamp == 0 { info.serviceUpTimestamp = now }
                info.actionType = .modified
                info.lastUpdatedTimestamp = now
            }
            let record = Record(info)
            state.apps[app]![id] = Entry(record: record, renewedAt: instant)
            if changed { state.record(record, at: instant, retention: retention) }
            return record
        }
        guard let renewed else { return .notFound }
        renewed.build()
        return .renewed
    }

    /// Removes an instance; returns what it was, or nil when it was not registered.
    public func cancel(app: String, id: String, now: Int64 = currentMilliseconds(),
                       at instant: ContinuousClock.Instant = .now) -> InstanceInfo? {
        let retention = self.retention
        return state.withLock { state in
            Self.remove(app: app, id: id, from: &state, now: now, at: instant, retention: retention)
        }
    }

    private static func remove(app: String, id: String, from state: inout State, now: Int64,
                               at instant: ContinuousClock.Instant, retention: Duration) -> InstanceInfo? {
        guard var info = state.apps[app]?.removeValue(forKey: id)?.info else { return nil }
        if state.apps[app]?.isEmpty == true { state.apps[app] = nil }
        state.count -= 1
        info.actionType = .deleted
        info.evictionTimestamp = now
        info.lastUpdatedTimestamp = now
        state.record(Record(info), at: instant, retention: retention)
        return info
    }

    /// Applies `change` to an instance as a MODIFIED change; false when it is not registered.
    private func modify(app: String, id: String, now: Int64, at instant: ContinuousClock.Instant,
                        _ change: (inout InstanceInfo) -> Void) -> Bool {
        let retention = self.retention
        let modified: Record? = state.withLock { state in
            guard let entry = state.apps[app]?[id] else { return nil }
            var info = entry.info
            change(&info)
            if info.serviceUpTimestamp == 0, info.effectiveStatus == .up { info.serviceUpTimestamp = now }
            info.actionType = .modified
            info.lastUpdatedTimestamp = now
            let record = Record(info)
            state.apps[app]![id] = Entry(record: record, renewedAt: entry.renewedAt)
            state.record(record, at: instant, retention: retention)
            return record
        }
        modified?.build()
        return modified != nil
    }

    /// `PUT .../status?value=`: the status clients see until the override is removed, whatever
    /// the instance reports.
    public func overrideStatus(app: String, id: String, to status: InstanceStatus, lastDirtyTimestamp: Int64? = nil,
                               now: Int64 = currentMilliseconds(), at instant: ContinuousClock.Instant = .now) -> Bool {
        modify(app: app, id: id, now: now, at: instant) { info in
            info.overriddenStatus = status
            if let lastDirtyTimestamp { info.lastDirtyTimestamp = lastDirtyTimestamp }
        }
    }

    /// `DELETE .../status`: the instance's own status counts again (or `newStatus` when given).
    public func removeStatusOverride(app: String, id: String, newStatus: InstanceStatus? = nil,
                                     now: Int64 = currentMilliseconds(), at instant: ContinuousClock.Instant = .now) -> Bool {
        modify(app: app, id: id, now: now, at: instant) { info in
            info.overriddenStatus = .unknown
            if let newStatus { info.status = newStatus }
        }
    }

    /// `PUT .../metadata?key=value`: adds or replaces metadata entries.
    public func updateMetadata(app: String, id: String, _ entries: [String: String],
                               now: Int64 = currentMilliseconds(), at instant: ContinuousClock.Instant = .now) -> Bool {
        modify(app: app, id: id, now: now, at: instant) { info in
            info.metadata.merge(entries) { _, new in new }
        }
    }

    /// Removes every instance whose lease ran out (static ones have none); returns them.
    public func evictExpired(now: Int64 = currentMilliseconds(), at instant: ContinuousClock.Instant = .now) -> [InstanceInfo] {
        let retention = self.retention
        return state.withLock { state in
            var expired: [(String, String)] = []
            for (app, entries) in state.apps {
                for (id, entry) in entries where !entry.record.isStatic && instant - entry.renewedAt > entry.record.lease {
                    expired.append((app, id))
                }
            }
            return expired.compactMap { app, id in
                Self.remove(app: app, id: id, from: &state, now: now, at: instant, retention: retention)
            }
        }
    }

    // MARK: - reading

    /// Every instance, by application then id.
    public func instances() -> [InstanceInfo] {
        state.withLock { state in
            state.apps.keys.sorted().flatMap { app in
                state.apps[app]!.keys.sorted().map { state.apps[app]![$0]!.info }
            }
        }
    }

    public var count: Int { state.withLock { $0.count } }

    /// How many applications the registry holds, and how many instances in each status
    /// clients see: what the metrics show, counted in one pass under the lock.
    public func census() -> (applications: Int, instances: [InstanceStatus: Int]) {
        state.withLock { state in
            var byStatus: [InstanceStatus: Int] = [:]
            for entries in state.apps.values {
                for entry in entries.values { byStatus[entry.info.effectiveStatus, default: 0] += 1 }
            }
            return (state.apps.values.filter { !$0.isEmpty }.count, byStatus)
        }
    }

    public func instance(app: String, id: String) -> InstanceInfo? {
        state.withLock { $0.apps[app]?[id]?.info }
    }

    /// `GET /eureka/instances/{id}`: the instance of that id in any application.
    public func instance(id: String) -> InstanceInfo? {
        state.withLock { state in
            for app in state.apps.keys.sorted() {
                if let entry = state.apps[app]![id] { return entry.info }
            }
            return nil
        }
    }

    /// `{"instance":{...}}` or `<instance>...</instance>`, freshly serialised.
    public func instanceBody(_ info: InstanceInfo, _ format: EurekaFormat) -> ByteBuffer {
        var out = ByteWriter(capacity: 2048)
        switch format {
        case .json:
            out.raw(#"{"instance":"#)
            EurekaCodec.instanceJSON(info, into: &out)
            out.raw("}")
        case .xml:
            EurekaCodec.instanceXML(info, into: &out)
        }
        return ByteBuffer(bytes: out.bytes)
    }

    /// `GET /eureka/apps/{APP}`; nil when no instance of it is registered.
    public func applicationBody(_ app: String, _ format: EurekaFormat) -> ByteBuffer? {
        guard let entries = state.withLock({ $0.apps[app] }) else { return nil }
        var out = ByteWriter(capacity: entries.count * 1536 + 64)
        switch format {
        case .json:
            out.raw(#"{"application":"#)
            Self.applicationJSON(app, entries, into: &out)
            out.raw("}")
        case .xml:
            Self.applicationXML(app, entries, into: &out)
        }
        return ByteBuffer(bytes: out.bytes)
    }

    /// `GET /eureka/apps`: served from the cache while the registry has not changed.
    public func applicationsBody(_ format: EurekaFormat) -> ByteBuffer {
        enum Lookup { case cached(ByteBuffer), build([String: [String: Entry]], UInt64) }
        let now = ContinuousClock.now
        let lookup: Lookup = state.withLock { state in
            if let cached = state.cache[.full(format)], cached.version == state.version,
               now - cached.builtAt < Self.responseCacheMaxAge {
                return .cached(cached.body)
            }
            return .build(state.apps, state.version)
        }
        switch lookup {
        case .cached(let body):
            return body
        case .build(let apps, let version):
            let body = Self.applications(apps, version: version, hashCode: Self.hashCode(apps), format)
            store(body, for: .full(format), version: version, builtAt: now)
            return body
        }
    }

    /// `GET /eureka/apps/delta`: the instances changed within the retention time, each with
    /// its last action, and the hash code of the whole registry.
    public func deltaBody(_ format: EurekaFormat) -> ByteBuffer {
        enum Lookup { case cached(ByteBuffer), build([String: [String: Entry]], [Change], UInt64) }
        let now = ContinuousClock.now
        let lookup: Lookup = state.withLock { state in
            if let cached = state.cache[.delta(format)], cached.version == state.version,
               now - cached.builtAt < Self.responseCacheMaxAge {
                return .cached(cached.body)
            }
            return .build(state.apps, state.changes, state.version)
        }
        switch lookup {
        case .cached(let body):
            return body
        case .build(let apps, let changes, let version):
            // The last change of each instance, as it was then.
            var latest: [String: [String: Entry]] = [:]
            for change in changes where now - change.at <= retention {
                latest[change.record.info.app, default: [:]][change.record.info.instanceId] =
                    Entry(record: change.record, renewedAt: change.at)
            }
            let body = Self.applications(latest, version: version, hashCode: Self.hashCode(apps), format)
            store(body, for: .delta(format), version: version, builtAt: now)
            return body
        }
    }

    /// `GET /eureka/vips/{vip}` and `/svips/{svip}`: the instances with that (secure) VIP address.
    public func vipBody(_ vip: String, secure: Bool, _ format: EurekaFormat) -> ByteBuffer? {
        let (apps, version) = state.withLock { ($0.apps, $0.version) }
        var matching: [String: [String: Entry]] = [:]
        for (app, entries) in apps {
            let kept = entries.filter { (secure ? $0.value.info.secureVipAddress : $0.value.info.vipAddress) == vip }
            if !kept.isEmpty { matching[app] = kept }
        }
        guard !matching.isEmpty else { return nil }
        return Self.applications(matching, version: version, hashCode: Self.hashCode(matching), format)
    }

    private func store(_ body: ByteBuffer, for key: CacheKey, version: UInt64, builtAt: ContinuousClock.Instant) {
        state.withLock { state in
            if state.version == version { state.cache[key] = Cached(version: version, builtAt: builtAt, body: body) }
        }
    }

    static func hashCode(_ apps: [String: [String: Entry]]) -> String {
        var counts: [InstanceStatus: Int] = [:]
        for entries in apps.values {
            for entry in entries.values { counts[entry.record.effectiveStatus, default: 0] += 1 }
        }
        return EurekaCodec.hashCode(counts)
    }

    static func applications(_ apps: [String: [String: Entry]], version: UInt64, hashCode: String,
                             _ format: EurekaFormat) -> ByteBuffer {
        let total = apps.values.reduce(0) { $0 + $1.count }
        var out = ByteWriter(capacity: total * 1600 + 256)
        let names = apps.keys.sorted()
        switch format {
        case .json:
            out.raw(#"{"applications":{"versions__delta":""#)
            out.number(version)
            out.raw(#"","apps__hashcode":"#)
            out.jsonString(hashCode)
            out.raw(#","application":["#)
            for (index, name) in names.enumerated() {
                if index > 0 { out.raw(",") }
                applicationJSON(name, apps[name]!, into: &out)
            }
            out.raw("]}}")
        case .xml:
            out.raw("<applications><versions__delta>")
            out.number(version)
            out.raw("</versions__delta>")
            out.xmlElement("apps__hashcode", hashCode)
            for name in names {
                applicationXML(name, apps[name]!, into: &out)
            }
            out.raw("</applications>")
        }
        return ByteBuffer(bytes: out.bytes)
    }

    /// Instances in id order; the ids are sorted rather than the entries, which are large to move.
    private static func applicationJSON(_ name: String, _ entries: [String: Entry], into out: inout ByteWriter) {
        out.raw("{")
        out.jsonField("name", name)
        out.raw(#","instance":["#)
        for (index, id) in entries.keys.sorted().enumerated() {
            if index > 0 { out.raw(",") }
            let entry = entries[id]!
            out.raw(entry.record.bytes(.json))
        }
        out.raw("]}")
    }

    private static func applicationXML(_ name: String, _ entries: [String: Entry], into out: inout ByteWriter) {
        out.raw("<application>")
        out.xmlElement("name", name)
        for id in entries.keys.sorted() {
            let entry = entries[id]!
            out.raw(entry.record.bytes(.xml))
        }
        out.raw("</application>")
    }
}
