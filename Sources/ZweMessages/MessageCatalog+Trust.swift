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

// MARK: preflight rule 9: a live handshake with the instance truststore (ZWEL1960-1969)

extension MessageCatalog {
    public static let southboundZosmfUntrusted = MessageDefinition(
        "ZWEL1960E", "z/OSMF at {host}:{port} presents '{subject}' issued by '{issuer}', which the instance truststore does not trust: {reason}",
        cause: "Rule 9: in verify mode {mode} Zowe's services check z/OSMF's chain against the truststore {truststore}; a handshake made now failed that check, so calls to z/OSMF (and logins through it) would fail.",
        fix: "Run 'zwe init certificate' with ZOWE_ZOSMF_HOST={host} and ZOWE_ZOSMF_PORT={port} and ZOSMF_CERTIFICATE empty (trust-zosmf fetches and trusts the chain), or export the chain to PEM files and list them in ZOSMF_CERTIFICATE.")
    public static let southboundServiceUntrusted = MessageDefinition(
        "ZWEL1961E", "Static service '{service}' at {host}:{port} presents '{subject}' issued by '{issuer}', which the instance truststore does not trust: {reason}",
        cause: "Rule 9: in verify mode {mode} the gateway checks the chain of every statically defined service against the truststore {truststore}; a handshake made now failed that check, so requests routed to it would fail.",
        fix: "Give the service a certificate signed by a CA of the truststore (the local CA, or one in EXTERNAL_CERTIFICATE_AUTHORITIES), or add its CA's PEM file to ZOSMF_CERTIFICATE (every file listed there is trusted) and run 'zwe init certificate' again.")
    public static let southboundHostMismatch = MessageDefinition(
        "ZWEL1962E", "The certificate {what} presents at {host}:{port} is not valid for {host}: it names {names}",
        cause: "Verify mode STRICT (VERIFY_CERTIFICATES=true) checks the host name of every southbound service: Zowe's services would refuse this certificate.",
        fix: "Use a host name the certificate holds ({location}), or give the service a certificate for {host}, or set VERIFY_CERTIFICATES=false and keep NONSTRICT_VERIFY_CERTIFICATES=true (NONSTRICT) and run 'zwe init certificate' again.")
    public static let southboundUnreachable = MessageDefinition(
        "ZWEL1963W", "{what} at {host}:{port} cannot be reached, so its certificate was not checked: {reason}",
        cause: "Rule 9 makes a live TLS handshake with a {seconds} s limit and nothing answered (name unknown, connection refused or timed out). z/OSMF and other southbound services may start after Zowe, so this does not stop a start.",
        fix: "Start {what}, or correct its host and port ({location}); run 'zwe validate' again once it is up.")
    public static let southboundNotTLS = MessageDefinition(
        "ZWEL1964E", "{what} at {host}:{port} did not complete a TLS handshake: {reason}",
        cause: "Something accepted the connection but did not answer as a TLS server (or sent a certificate that cannot be read); Zowe's services call it over HTTPS and would fail.",
        fix: "Point the host and port ({location}) at the service's HTTPS port.")
    public static let southboundSettingInvalid = MessageDefinition(
        "ZWEL1965E", "{key} '{value}' is not {expected}",
        cause: "Zowe's services call z/OSMF at ZOSMF_HOST on port ZOSMF_PORT (443 when empty); the discovery service's configure step and the gateway refuse this value.",
        fix: "Set ZOSMF_HOST to z/OSMF's host name or IP address and ZOSMF_PORT to its HTTPS port in instance.env, or leave ZOSMF_HOST empty when there is no z/OSMF.")
}

extension MessageCatalog {
    /// The messages of this file, in id order.
    public static let trustMessages: [MessageDefinition] = [
        trustFetching, trustImported, trustNotNeeded, trustUnreachable, trustNotTLS, trustHostMismatch,
        trustSettingInvalid, trustChainUnreadable,
        southboundZosmfUntrusted, southboundServiceUntrusted, southboundHostMismatch, southboundUnreachable,
        southboundNotTLS, southboundSettingInvalid,
    ]
}
