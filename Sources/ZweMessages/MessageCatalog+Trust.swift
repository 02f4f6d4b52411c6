// Messages of trusting z/OSMF and the live handshake of preflight rule 9 (ZWEL1950-1999).

// MARK: trust-zosmf: `zwe init certificate` with ZOWE_ZOSMF_HOST (ZWEL1950-1959)

extension MessageCatalog {
    public static let trustFetching = MessageDefinition(
        "ZWEL1950I", "Fetching the certificate chain of z/OSMF at {host}:{port} by a TLS handshake (verify mode {mode})",
        cause: "ZOWE_ZOSMF_HOST is set, ZOSMF_CERTIFICATE is empty and a verify flag is on: the setup trusts the chain z/OSMF presents.",
        fix: "No action needed.")
    public static let trustImported = MessageDefinition(
        "ZWEL1951I", "Trusted {alias}: '{subject}' (SHA-256 {fingerprint}) from {source}",
        cause: "The certificate is written into the truststore as a trusted entry, so that Zowe's services accept it when they call z/OSMF.",
        fix: "No action needed. Compare the fingerprint with the one z/OSMF's administrator gives you before you start Zowe.")
    public static let trustNotNeeded = MessageDefinition(
        "ZWEL1952I", "z/OSMF at {host}:{port} is not contacted: VERIFY_CERTIFICATES and NONSTRICT_VERIFY_CERTIFICATES are both false",
        cause: "In verify mode DISABLED Zowe's services check no southbound certificate, so there is nothing to trust.",
        fix: "No action needed. To have z/OSMF's certificate checked, set NONSTRICT_VERIFY_CERTIFICATES=true (chain) or VERIFY_CERTIFICATES=true (chain and host name) and run the setup again.")
    public static let trustUnreachable = MessageDefinition(
        "ZWEL1953E", "z/OSMF at {host}:{port} cannot be reached: {reason}",
        cause: "To trust z/OSMF the setup connects to ZOWE_ZOSMF_HOST:ZOWE_ZOSMF_PORT (within {seconds} s) and nothing answered: the name is unknown, the connection was refused, or it timed out. Nothing was written.",
        fix: "Check that z/OSMF is running and that ZOWE_ZOSMF_HOST and ZOWE_ZOSMF_PORT name its HTTPS port; or export z/OSMF's certificate chain to PEM files and list them in ZOSMF_CERTIFICATE; or leave ZOWE_ZOSMF_HOST empty.")
    public static let trustNotTLS = MessageDefinition(
        "ZWEL1954E", "{host}:{port} did not complete a TLS handshake: {reason}",
        cause: "Something accepted the connection but did not answer as a TLS server, so there is no certificate chain to trust. Nothing was written.",
        fix: "Set ZOWE_ZOSMF_PORT to z/OSMF's HTTPS port (often 443 or 10443), not an HTTP or other port; or list z/OSMF's PEM files in ZOSMF_CERTIFICATE.")
    public static let trustHostMismatch = MessageDefinition(
        "ZWEL1955E", "The certificate z/OSMF presents at {host}:{port} is not valid for {host}: it names {names}",
        cause: "VERIFY_CERTIFICATES=true (STRICT) checks host names: Zowe's services would refuse this certificate when they call {host}, so the setup does not trust it. Nothing was written.",
        fix: "Set ZOWE_ZOSMF_HOST to a name the certificate holds; or set VERIFY_CERTIFICATES=false and keep NONSTRICT_VERIFY_CERTIFICATES=true (NONSTRICT: the setup trusts the chain as presented, and Zowe's services check the chain but not the host name); or give z/OSMF a certificate for {host}.")
    public static let trustSettingInvalid = MessageDefinition(
        "ZWEL1956E", "{key} '{value}' is not {expected}",
        cause: "To trust z/OSMF the setup connects to ZOWE_ZOSMF_HOST on port ZOWE_ZOSMF_PORT (443 when empty).",
        fix: "Set ZOWE_ZOSMF_HOST to z/OSMF's host name or IP address and ZOWE_ZOSMF_PORT to its HTTPS port, or leave ZOWE_ZOSMF_HOST empty.")
    public static let trustChainUnreadable = MessageDefinition(
        "ZWEL1957E", "The certificate chain z/OSMF presents at {host}:{port} cannot be read: {reason}",
        cause: "A certificate the server sent in the handshake is not valid X.509, so it cannot be stored. Nothing was written.",
        fix: "Check with 'openssl s_client -connect {host}:{port} -showcerts' what the server presents; export the right chain to PEM files and list them in ZOSMF_CERTIFICATE.")
}

extension MessageCatalog {
    /// The messages of this file, in id order.
    public static let trustMessages: [MessageDefinition] = [
        trustFetching, trustImported, trustNotNeeded, trustUnreachable, trustNotTLS, trustHostMismatch,
        trustSettingInvalid, trustChainUnreadable,
    ]
}
