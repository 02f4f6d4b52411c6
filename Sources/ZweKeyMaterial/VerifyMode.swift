/// How a service checks the certificates of the servers it calls (southbound), from
/// VERIFY_CERTIFICATES and NONSTRICT_VERIFY_CERTIFICATES as Zowe v1 reads them.
public enum VerifyMode: String, Sendable, Equatable, Codable, CaseIterable {
    /// Chain and host name checked; the Zowe certificate is presented as client certificate.
    case strict = "STRICT"
    /// Chain checked, host name not; the Zowe certificate is presented.
    case nonStrict = "NONSTRICT"
    /// Nothing checked and no client certificate sent.
    case disabled = "DISABLED"

    /// Verify wins over non-strict.
    public init(verify: Bool, nonStrict: Bool) {
        self = verify ? .strict : (nonStrict ? .nonStrict : .disabled)
    }
}
