import Foundation
import ZweCertificates
import ZweConfiguration

/// A keystore directory written by the product's own certificate setup (`zwe init certificate`'s
/// code), made once per key algorithm for the whole test process and removed when it exits.
/// Tests only read it, so every test target shares the same one.
public struct Keystore: Sendable {
    public let root: String
    /// KEYSTORE, KEYSTORE_PASSWORD, KEYSTORE_TYPE, KEY_ALIAS, TRUSTSTORE and the two
    /// verification modes, as the launcher passes them to a component.
    public let environment: [String: String]
    public let caCertificate: String
    /// The Zowe certificate and its key as PEM files, for curl's --cert/--key.
    public var certificate: String { root + "/localhost/localhost.keystore.cer" }
    public var privateKey: String { root + "/localhost/localhost.keystore.key" }

    /// The keystore for `algorithm` ("RSA-2048", "EC-P256", ...). No default: the key type
    /// changes what a TLS test exercises, so each test names the one it runs on.
    public static func make(_ algorithm: String) async throws -> Keystore {
        try await Cache.shared.keystore(algorithm)
    }

    fileprivate static func create(_ algorithm: String) async throws -> Keystore {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("ZweTestSupport-\(algorithm)-\(UUID().uuidString)").path
        let file = try EnvFile.parse("""
            KEYSTORE_DIRECTORY=\(root)
            KEY_ALGORITHM=\(algorithm)
            KEYSTORE_PASSWORD='s3cret pass'
            ZOWE_USER_ID=\(NSUserName())
            ZOWE_GROUP_ID=\(Self.groupName())
            """, path: "setup.env", environment: [:])
        let settings = try SetupSettings.resolve(defaults: nil, file: file, overrides: .init(), workingDirectory: "/")
        TemporaryPaths.remember(root)
        let result = try await KeystoreSetup(settings: settings).run()
        let env = try EnvFile.load(path: result.layout.environmentFile, environment: [:])
        var environment: [String: String] = [:]
        for key in ["KEYSTORE", "KEYSTORE_PASSWORD", "KEYSTORE_TYPE", "KEY_ALIAS", "TRUSTSTORE"] {
            environment[key] = env[key]
        }
        // What the launcher does with the ZOWE_APIM_ keys of zowe-certificates.env.
        environment["VERIFY_CERTIFICATES"] = env["ZOWE_APIM_VERIFY_CERTIFICATES"]
        environment["NONSTRICT_VERIFY_CERTIFICATES"] = env["ZOWE_APIM_NONSTRICT_VERIFY_CERTIFICATES"]
        return Keystore(root: root, environment: environment, caCertificate: result.layout.localCACertificate)
    }

    private static func groupName() -> String {
        guard let group = getgrgid(getegid()) else { return "root" }
        return String(cString: group.pointee.gr_name)
    }

    private actor Cache {
        static let shared = Cache()
        var made: [String: Task<Keystore, any Error>] = [:]

        func keystore(_ algorithm: String) async throws -> Keystore {
            if let task = made[algorithm] { return try await task.value }
            let task = Task { try await Keystore.create(algorithm) }
            made[algorithm] = task
            return try await task.value
        }
    }
}

/// The environment a component gets from the launcher, reduced to what the runtime reads;
/// `extra` wins over the keystore's entries.
public func componentEnvironment(_ keystore: Keystore, _ extra: [String: String]) -> [String: String] {
    var environment = keystore.environment
    environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    environment["SWIFT_BACKTRACE"] = "enable=no"
    // The launcher always sets WORKSPACE_DIR; a component started alone gets a workspace of
    // its own (where its tokens' revocation list lives) unless the test shares one.
    if extra["WORKSPACE_DIR"] == nil, let workspace = try? TemporaryPaths.makeDirectory("workspace") {
        environment["WORKSPACE_DIR"] = workspace
    }
    environment.merge(extra) { _, new in new }
    return environment
}
