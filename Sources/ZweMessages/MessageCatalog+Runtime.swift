// Messages of the component runtime (ZWEL1500-1549): what a component program says when the
// environment the launcher injected cannot give it a TLS identity, a port or a log level,
// when it cannot listen, and when it is started with an unknown id.

extension MessageCatalog {
    public static let runtimeVariableMissing = MessageDefinition(
        "ZWEL1500E", "{component}: environment variable {name} is not set",
        cause: "Components take their certificates, port and verify mode only from the environment the launcher gives them; {name} is missing or empty there.",
        fix: "Start the component with 'zwe start', which sets {name} from instance.env and zowe-certificates.env; when starting it by hand, export {name} first.")
    public static let runtimeVariableInvalid = MessageDefinition(
        "ZWEL1501E", "{component}: {name} is '{value}', which is not {expected}",
        cause: "The component cannot use this value of {name}.",
        fix: "Correct {name} in instance.env (or zowe-certificates.env) to {expected}, then start the component again.")
    public static let runtimeKeystoreTypeUnsupported = MessageDefinition(
        "ZWEL1502E", "{component}: KEYSTORE_TYPE '{value}' is not supported with KEYSTORE {keystore}",
        cause: "Components open PKCS#12 files (KEYSTORE_TYPE=PKCS12) and key rings (KEYSTORE=safkeyring:////OWNER/RING with KEYSTORE_TYPE JCERACFKS, JCECCARACFKS or JCEHYBRIDRACFKS).",
        fix: "Set KEYSTORE_TYPE in zowe-certificates.env to match KEYSTORE, e.g. by running 'zwe init certificate' again.")
    public static let runtimeStoreUnreadable = MessageDefinition(
        "ZWEL1503E", "{component}: cannot read {name} {path}: {reason}",
        cause: "The file that {name} names is missing, is a folder, or this user may not read it.",
        fix: "Check the path in zowe-certificates.env and the file's owner and permissions; the components' user must be able to read it.")
    public static let runtimeStoreWrongPassword = MessageDefinition(
        "ZWEL1504E", "{component}: KEYSTORE_PASSWORD does not open {name} {path}",
        cause: "The integrity check of the PKCS#12 file failed, so it was written with another password.",
        fix: "Set KEYSTORE_PASSWORD in zowe-certificates.env to the password the stores were written with, or write them again with 'zwe init certificate'.")
    public static let runtimeStoreNotPKCS12 = MessageDefinition(
        "ZWEL1505E", "{component}: {name} {path} is not a readable PKCS#12 store: {reason}",
        cause: "KEYSTORE_TYPE says PKCS12, but the file is in another format, is damaged, or uses an algorithm that cannot be read.",
        fix: "Convert the store to PKCS#12 (keytool -importkeystore -deststoretype PKCS12), or write the stores again with 'zwe init certificate'.")
    public static let runtimeAliasNotFound = MessageDefinition(
        "ZWEL1506E", "{component}: KEY_ALIAS '{alias}' is not an entry of {path}; its entries are {aliases}",
        cause: "The component serves TLS with the key and certificate stored under KEY_ALIAS, and the keystore has no entry of that name (aliases are compared ignoring case).",
        fix: "Set KEY_ALIAS in zowe-certificates.env to the alias of the keystore's key entry.")
    public static let runtimeAliasNotAKey = MessageDefinition(
        "ZWEL1507E", "{component}: KEY_ALIAS '{alias}' in {path} is a trusted certificate, not a key entry",
        cause: "A server needs a private key and its certificate; a trusted-certificate entry has no key.",
        fix: "Point KEY_ALIAS at the key entry of the keystore ('keytool -list' shows it as PrivateKeyEntry).")
    public static let runtimeKeyUnusable = MessageDefinition(
        "ZWEL1508E", "{component}: the {what} of '{alias}' in {path} cannot be used for TLS",
        cause: "The TLS library refused the entry's private key or one of its certificates; the entry is damaged or uses an algorithm it does not support.",
        fix: "Write the keystore again with 'zwe init certificate', or import the key with its certificate chain again (RSA or EC P-256/P-384 keys).")
    public static let runtimeTruststoreEmpty = MessageDefinition(
        "ZWEL1509E", "{component}: truststore {path} holds no certificate, but {purpose} needs one",
        cause: "Peer certificates are checked against the truststore's certificates, and there are none to check them with.",
        fix: "Import the certificate authority that signs the Zowe certificates into the truststore, or write the stores again with 'zwe init certificate'.")
    public static let runtimeCannotListen = MessageDefinition(
        "ZWEL1510E", "{component}: cannot listen on {address} port {port}: {reason}",
        cause: "The address and port the component was given could not be bound: another program uses the port, the address is not one of this host's, or the port needs privileges.",
        fix: "Free the port (stop the program that holds it; 'ss -ltnp' names it), or give the component another port or ZWE_BIND_ADDRESS in instance.env.")
    public static let runtimeTLSSetupFailed = MessageDefinition(
        "ZWEL1511E", "{component}: cannot set up TLS with the certificate of '{alias}': {reason}",
        cause: "The TLS library refused the combination of key, certificate chain and trust roots.",
        fix: "Check the keystore with 'zwe validate'; write the stores again with 'zwe init certificate' if the check reports nothing.")
    public static let runtimeServerFailed = MessageDefinition(
        "ZWEL1512E", "{component}: the server stopped because of an error: {reason}",
        cause: "The HTTPS server ended with an error after it had started to listen.",
        fix: "Look at the lines before this one in the component's log; start the component again, and report the problem if it repeats.")
    public static let runtimeUnknownComponent = MessageDefinition(
        "ZWEL1513E", "Unknown component '{id}'; this program runs {known}",
        cause: "zwe-component runs one of a fixed set of components, chosen by its first argument.",
        fix: "Give one of {known} as the argument (the component's manifest start script passes it).")
    public static let runtimeUsage = MessageDefinition(
        "ZWEL1514E", "Wrong arguments: {detail}",
        cause: "zwe-component takes exactly one argument, the component id, or --help.",
        fix: "Run 'zwe-component --help' to see the ids it knows.")

    public static let runtimeKeyringUnusable = MessageDefinition(
        "ZWEL1515E", "{component}: {name} {store} cannot be used: {reason}",
        cause: "The key ring is read from the simulated SAF database ZWE_SAF_DIR ({dir}); it must exist and connect a certificate labelled KEY_ALIAS with its private key, and its certificate authorities.",
        fix: "List the ring with 'zwe keyring list --saf-dir {dir} --owner OWNER --ring RING'; make or complete it with 'zwe keyring generate', 'import' or 'connect'.")

    public static let runtimeIdentityReloaded = MessageDefinition(
        "ZWEL1516I", "{component}: certificate {alias} read again (SHA-256 {fingerprint}); new connections get it",
        cause: "SIGHUP asks a component to read its keystore and truststore again, after 'zwe certificate renew'. Established connections keep the certificate they began with.",
        fix: "No action needed.")
    public static let runtimeIdentityNotReloaded = MessageDefinition(
        "ZWEL1517W", "{component}: the stores cannot be read again ({reason}); the certificate in use stays",
        cause: "SIGHUP came, but the keystore or truststore as zowe-certificates.env names them cannot be opened now.",
        fix: "Check the keystore directory ('zwe certificate verify'), then send SIGHUP again or restart the component.")
    public static let runtimeCaller = MessageDefinition(
        "ZWEL1530I", "{component}: called with the client certificate '{subject}' issued by '{issuer}' from {address}",
        cause: "The first connection with this certificate since the component started; it chains to the truststore's certificate authorities (a certificate that does not is refused in the TLS handshake). Later connections with it are logged at DEBUG level.",
        fix: "No action needed.")

    public static let runtimeConnectionLimitReached = MessageDefinition(
        "ZWEL1518W", "{component}: {limit} connections are open, the most {variable} allows; new connections are closed at once",
        cause: "Each open connection holds a descriptor and memory; beyond the limit a new connection is closed right after it is accepted, so that the connections already open keep being served. This is said once per burst; ZWEL1519I says when connections are taken again.",
        fix: "If this many clients are expected, raise {variable} in instance.env; otherwise find the client that opens so many connections (slow or idle ones are closed by the header and keep-alive timeouts).")
    public static let runtimeConnectionLimitCleared = MessageDefinition(
        "ZWEL1519I", "{component}: taking new connections again; {refused} were closed while {limit} were open",
        cause: "Open connections ended, so the number is below {variable} again.",
        fix: "No action needed.")
    public static let runtimeRequestTooLarge = MessageDefinition(
        "ZWEL1520E", "The request body to '{path}' is larger than {bytes} bytes",
        cause: "The component reads request bodies up to {variable}; a larger Content-Length is refused before the body is read, and a chunked body that grows past the limit ends the connection.",
        fix: "Send a smaller body, or raise {variable} in instance.env.")
    public static let runtimeHeadersTooLarge = MessageDefinition(
        "ZWEL1521E", "The request line or header fields are larger than {bytes} bytes in all, or {lineBytes} bytes in one line",
        cause: "The request head is read into memory up to a limit, as web servers do, so that no client can make the server hold an unbounded head; large cookies or tokens usually cause this.",
        fix: "Send fewer or smaller headers (an old cookie may have grown), or raise {variable} (in all) or {lineVariable} (one line) in instance.env.")

    /// The runtime's messages, in id order.
    public static let runtimeMessages: [MessageDefinition] = [
        runtimeVariableMissing, runtimeVariableInvalid, runtimeKeystoreTypeUnsupported, runtimeStoreUnreadable,
        runtimeStoreWrongPassword, runtimeStoreNotPKCS12, runtimeAliasNotFound, runtimeAliasNotAKey,
        runtimeKeyUnusable, runtimeTruststoreEmpty, runtimeCannotListen, runtimeTLSSetupFailed,
        runtimeServerFailed, runtimeUnknownComponent, runtimeUsage, runtimeKeyringUnusable, runtimeIdentityReloaded,
        runtimeIdentityNotReloaded, runtimeConnectionLimitReached, runtimeConnectionLimitCleared, runtimeRequestTooLarge,
        runtimeHeadersTooLarge, runtimeCaller,
    ]
}
