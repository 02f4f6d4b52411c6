/// Where the password that opens an instance's stores comes from, the same for `zwe validate`,
/// `zwe start` and every component it starts: `--password-file` where a command takes one,
/// then ZWE_KEYSTORE_PASSWORD, then KEYSTORE_PASSWORD of zowe-certificates.env. Never a
/// command-line value: arguments are visible to every user in `ps`.
public enum KeystorePassword {
    public enum Source: Sendable, Equatable {
        case passwordFile(String)
        case environment
        case certificateFile
    }

    /// The password and where it came from; `passwordFile` is the first line of that file
    /// as the caller read it.
    public static func resolve(
        passwordFile: (path: String, firstLine: String)? = nil, environment: [String: String], file: CertificateEnvironment?
    ) -> (password: String, source: Source) {
        if let passwordFile { return (passwordFile.firstLine, .passwordFile(passwordFile.path)) }
        return choose(override: override(in: environment), file: file?.keystorePassword)
    }

    /// The override (ZWE_KEYSTORE_PASSWORD, already read) over the file's KEYSTORE_PASSWORD:
    /// the rule itself, for callers that hold the two values rather than an environment.
    public static func choose(override: String?, file: String?) -> (password: String, source: Source) {
        if let override { return (override, .environment) }
        return (file ?? "", .certificateFile)
    }

    /// ZWE_KEYSTORE_PASSWORD when it is set and not empty.
    public static func override(in environment: [String: String]) -> String? {
        guard let value = environment[.passwordOverride], !value.isEmpty else { return nil }
        return value
    }
}
