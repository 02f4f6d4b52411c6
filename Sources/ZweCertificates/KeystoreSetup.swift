import Foundation
import ZweMessages

/// `zwe init certificate`: builds a complete keystore set in memory, then publishes it into
/// the keystore directory under its lock. A configuration or build error leaves the disk as it was.
public struct KeystoreSetup: Sendable {
    public let settings: SetupSettings

    public init(settings: SetupSettings) { self.settings = settings }

    public struct Result: Sendable {
        public let layout: KeystoreLayout
        public let messages: [Diagnostic]
    }

    /// - Parameters:
    ///   - onWait: called once if another setup holds the directory's lock.
    ///   - onMessage: progress worth showing at once (the z/OSMF fetch, which may take seconds).
    public func run(onWait: @Sendable () -> Void = {}, onMessage: (Diagnostic) -> Void = { _ in }) async throws(Diagnostics) -> Result {
        // z/OSMF's chain first: a fetch that fails must fail before any key is made. The call
        // blocks this task for at most the fetch's time limit; nothing else runs yet.
        let trust: ZosmfTrust.Outcome
        do {
            trust = try ZosmfTrust.resolve(settings, onMessage: onMessage)
        } catch {
            throw Diagnostics([error])
        }
        let files = try await KeystoreBuilder(settings: settings, zosmfCertificates: trust.certificates).build()
        let writer = KeystoreWriter(directory: settings.keystoreDirectory, lockKeystore: settings.lockKeystore)
        let layout = KeystoreLayout(root: settings.keystoreDirectory, alias: settings.alias)
        do {
            let lock = try writer.lock(onWait: onWait)
            defer { lock.release() }
            let warnings = try writer.publish(
                files, topLevelNames: layout.topLevelNames,
                owner: Ownership(user: settings.userID, group: settings.groupID))
            let san = settings.sanDNSNames.map { "DNS:\($0)" } + settings.sanIPAddresses.map { "IP:\($0)" }
            let done = Diagnostic(MessageCatalog.keystoreWritten, [
                "dir": settings.keystoreDirectory, "alias": settings.alias,
                "algorithm": settings.external == nil ? settings.keyAlgorithm.description : "external",
                "days": "\(settings.validityDays)",
                "san": settings.external == nil ? san.joined(separator: ", ") : "the external certificate's names",
            ])
            return Result(layout: layout, messages: warnings + trust.messages + [done])
        } catch {
            throw Diagnostics([error])
        }
    }
}
