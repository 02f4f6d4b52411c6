// Messages of certificate validation: `zwe validate` preflight and `zwe certificate verify`
// (ZWEL1300-1399). Each names the precise problem (store, alias, DN, OID, host); the
// location of the Diagnostic says where (`store:alias`, `file:line` or a path).

extension MessageCatalog {
    public static let keystoreDirectoryUnusable = MessageDefinition(
        "ZWEL1300E", "Keystore directory {dir} {problem}",
        cause: "The certificate checks start from the keystore directory the instance names (KEYSTORE_DIRECTORY); without it nothing else can be checked.",
        fix: "Set KEYSTORE_DIRECTORY to the folder that 'zwe init certificate' wrote (or run the setup to create it), and make sure this user may read it.")
    public static let keystoreDirectoryWithoutEnv = MessageDefinition(
        "ZWEL1301E", "{dir} has no zowe-certificates.env",
        cause: "Every keystore directory holds zowe-certificates.env, which tells components where the stores are and how to open them; this folder is not a keystore directory, or its setup did not finish.",
        fix: "Run 'zwe init certificate' for this directory again, or point KEYSTORE_DIRECTORY at the folder that holds the file.")
    public static let checksSkipped = MessageDefinition(
        "ZWEL1302I", "Not checked: {what}, because {reason}",
        cause: "These checks need something that a finding above already reports as missing or unreadable; they are skipped instead of failing on their own.",
        fix: "Fix the errors above and run the check again.")
    public static let envPathMissing = MessageDefinition(
        "ZWEL1303E", "{key} names {path}, which {problem}",
        cause: "zowe-certificates.env points components at this file, and they fail to start when it is not there.",
        fix: "Correct the path in zowe-certificates.env, or run 'zwe init certificate' again to write every file it lists.")
    public static let envKeyMissing = MessageDefinition(
        "ZWEL1304E", "zowe-certificates.env does not set {key}",
        cause: "Components read {key} from zowe-certificates.env to find and open their certificates.",
        fix: "Run 'zwe init certificate' again, or add {key}='...' to {path}.")
    public static let keystoreTypeUnsupported = MessageDefinition(
        "ZWEL1305E", "KEYSTORE_TYPE is '{value}', but a keystore directory holds PKCS12 stores",
        cause: "Components open KEYSTORE and TRUSTSTORE with this type; only PKCS12 files (or a keyring, with KEYSTORE_TYPE=JCERACFKS) are supported.",
        fix: "Set KEYSTORE_TYPE='PKCS12' and convert the stores (keytool -importkeystore -deststoretype PKCS12), or run 'zwe init certificate' again.")
    public static let storeNotPKCS12 = MessageDefinition(
        "ZWEL1306E", "{path} ({key}) is not a readable PKCS#12 store: {reason}",
        cause: "KEYSTORE_TYPE says PKCS12, but the file is in another format or is damaged, so neither Java nor OpenSSL can open it as one.",
        fix: "Convert the store to PKCS#12 (keytool -importkeystore -deststoretype PKCS12), or run 'zwe init certificate' again.")
    public static let keyringNotChecked = MessageDefinition(
        "ZWEL1307I", "The keystore is the key ring {keystore} of the SAF database {dir}",
        cause: "KEYSTORE_TYPE {type} names a SAF key ring: its PERSONAL certificates are checked as key entries and its CERTAUTH and SITE certificates as the truststore.",
        fix: "No action needed; 'zwe keyring list' shows the ring.")
    public static let keyringMissing = MessageDefinition(
        "ZWEL1330E", "The key ring {ring} does not exist in the SAF database {dir}",
        cause: "KEYSTORE and TRUSTSTORE name a key ring that components open at start; without it no component can start. The checks of its certificates are skipped.",
        fix: "Create it with 'zwe keyring generate' (or 'create', 'import', 'connect'), or correct KEYSTORE, TRUSTSTORE and ZWE_SAF_DIR by running 'zwe init certificate' again.")
    public static let keyringDatabaseUnnamed = MessageDefinition(
        "ZWEL1331E", "KEYSTORE names the key ring {keystore}, but no SAF database is named (ZWE_SAF_DIR)",
        cause: "Key rings are read from the simulated SAF database that ZWE_SAF_DIR names in zowe-certificates.env.",
        fix: "Run 'zwe init certificate' in keyring mode with ZWE_SAF_DIR set in the setup file.")
    public static let keyringConnectionBroken = MessageDefinition(
        "ZWEL1332E", "The key ring {ring} connects {owner}/'{label}', which is not in the SAF database {dir}",
        cause: "A certificate connected to the ring was removed from the database: components would fail to open the ring.",
        fix: "Add the certificate again ('zwe keyring import' or 'connect-zosmf'), or make the ring again.")
    public static let storesWrongPassword = MessageDefinition(
        "ZWEL1308E", "The keystore password from {source} does not open {stores}",
        cause: "The integrity check of the PKCS#12 file failed: it was written with another password. The checks of its contents are skipped.",
        fix: "Give the password the stores were written with (KEYSTORE_PASSWORD in zowe-certificates.env, or ZWE_KEYSTORE_PASSWORD), or run 'zwe init certificate' again.")
    public static let aliasNotFound = MessageDefinition(
        "ZWEL1309E", "KEY_ALIAS '{alias}' is not an entry of {store}; its entries are {aliases}",
        cause: "Components look up their certificate and private key under KEY_ALIAS, and the keystore has no entry of that name.",
        fix: "Set KEY_ALIAS in zowe-certificates.env to the alias of the key entry ({aliases}), or run 'zwe init certificate' again.")
    public static let aliasNotAKey = MessageDefinition(
        "ZWEL1310E", "KEY_ALIAS '{alias}' in {store} is a trusted certificate, not a key entry",
        cause: "The server needs a private key and its certificate under KEY_ALIAS; a trusted-certificate entry holds no key.",
        fix: "Point KEY_ALIAS at the key entry ('keytool -list' shows it as PrivateKeyEntry), or import the key and its certificate chain under this alias.")
    public static let storeEntryUnreadable = MessageDefinition(
        "ZWEL1311E", "The entry '{alias}' of {store} cannot be checked: {reason}",
        cause: "The entry's private key or certificate is missing, or is not in a form that can be read, so components cannot use it either.",
        fix: "Recreate the entry: run 'zwe init certificate' again, or import the key with its certificate chain (or the trusted certificate) again.")
    public static let keyMismatch = MessageDefinition(
        "ZWEL1312E", "The private key {key} does not belong to the certificate {certificate}",
        cause: "The public key in the certificate is not the one of the private key stored with it, so every TLS handshake with this pair fails.",
        fix: "Store the certificate that was issued for this key (or the key it was issued for); 'zwe init certificate' writes matching pairs.")
    public static let extendedKeyUsageMissing = MessageDefinition(
        "ZWEL1313E", "The certificate of '{alias}' cannot be used as a {roles} certificate: its extended key usage ({usages}) lacks {missing}",
        cause: "Zowe servers are also TLS clients of each other, so the certificate needs both serverAuth (1.3.6.1.5.5.7.3.1) and clientAuth (1.3.6.1.5.5.7.3.2), or no extended key usage at all.",
        fix: "Have the certificate reissued with extended key usage serverAuth and clientAuth (keytool -ext ExtendedKeyUsage=clientAuth,serverAuth).")
    public static let keyUsageInsufficient = MessageDefinition(
        "ZWEL1314E", "The key usage of '{alias}' ({usages}) does not allow its use as a {roles}",
        cause: "A TLS server certificate needs digitalSignature, keyEncipherment or keyAgreement in its key usage, and a TLS client certificate digitalSignature or keyAgreement.",
        fix: "Have the certificate reissued with key usage digitalSignature and keyEncipherment (Zowe's own also carry nonRepudiation and dataEncipherment).")
    public static let certificateExpired = MessageDefinition(
        "ZWEL1315E", "'{subject}' ({where}) expired on {date}",
        cause: "TLS peers refuse a certificate once its validity has ended.",
        fix: "Renew the certificate (run 'zwe init certificate' again for those it made, or have the CA issue a new one) and replace it in the stores.")
    public static let certificateNotYetValid = MessageDefinition(
        "ZWEL1316E", "'{subject}' ({where}) is not valid before {date}",
        cause: "The certificate's validity starts in the future: it was made on a machine whose clock is ahead, or this machine's clock is behind.",
        fix: "Check the clocks of this machine and of the one that made the certificate; wait until {date}, or make the certificate again.")
    public static let certificateExpiring = MessageDefinition(
        "ZWEL1317W", "'{subject}' ({where}) expires in {days} days, on {date}",
        cause: "The certificate is close to the end of its validity; once it ends, TLS connections that use it fail.",
        fix: "Renew it before {date}: 'zwe certificate renew -p FILE.env' (the setup file of the keystore directory), then send SIGHUP to the components or restart them.")
    public static let hostNotCovered = MessageDefinition(
        "ZWEL1318E", "The certificate of '{alias}' does not name host {host} (from {source}); it names {names}",
        cause: "In STRICT verify mode clients check that the server's certificate names the host they connected to, and refuse it otherwise.",
        fix: "Add {host} to HOSTNAME (or IPADDRESS, for an address) and run 'zwe init certificate' again, or have the certificate reissued with it in the subject alternative names.")
    public static let hostNotCoveredLenient = MessageDefinition(
        "ZWEL1319W", "The certificate of '{alias}' does not name host {host} (from {source}); it names {names}",
        cause: "Verify mode {mode} does not check host names between Zowe services, but browsers and other clients that reach Zowe by this name do, and refuse the certificate.",
        fix: "Add {host} to HOSTNAME (or IPADDRESS, for an address) and run 'zwe init certificate' again, or have the certificate reissued with it in the subject alternative names.")
    public static let chainIssuerMissing = MessageDefinition(
        "ZWEL1320E", "The certificate of '{alias}' does not chain to the truststore: the issuer '{issuer}' of '{subject}' is in neither the keystore nor the truststore",
        cause: "Every certificate from the server's up to a trusted CA must be available to build the chain; a missing intermediate or root CA breaks it, and peers refuse the certificate.",
        fix: "Import the CA certificate '{issuer}' into the truststore (keytool -importcert), and include intermediates in the key entry's chain.")
    public static let chainWrongKey = MessageDefinition(
        "ZWEL1321E", "The certificate of '{alias}' does not chain to the truststore: a certificate named '{issuer}' is there, but it did not sign '{subject}'",
        cause: "The stores hold a CA of the right name with another key, typically one left from an earlier setup, so the signature of the certificate does not verify.",
        fix: "Replace that '{issuer}' certificate with the CA that issued the certificate, or run 'zwe init certificate' again so that all stores come from one setup.")
    public static let chainRootUntrusted = MessageDefinition(
        "ZWEL1322E", "The certificate of '{alias}' chains to '{root}', which is not in the truststore {truststore}",
        cause: "The root CA of the chain is known to the keystore only; peers that use the truststore do not trust it.",
        fix: "Import '{root}' into the truststore (keytool -importcert -alias NAME -keystore {truststore}).")
    public static let certificateNotACA = MessageDefinition(
        "ZWEL1323E", "'{subject}' in the chain of '{alias}' cannot act as a CA: {problems}",
        cause: "A certificate that signs others must say so with basicConstraints CA:TRUE, and with keyCertSign when it has a key usage; TLS peers refuse chains that pass through one that does not.",
        fix: "Reissue the CA with basicConstraints critical CA:TRUE and key usage keyCertSign, cRLSign (keytool -ext BasicConstraints:critical=ca:true -ext KeyUsage:critical=keyCertSign,cRLSign), then the certificates it signed.")
    public static let weakCryptography = MessageDefinition(
        "ZWEL1324W", "'{subject}' ({where}) uses weak cryptography: {problems}",
        cause: "RSA keys under 2048 bits and SHA-1 or MD5 signatures can be broken, and Java and browsers increasingly refuse them.",
        fix: "Reissue the certificate with an RSA key of at least 2048 bits (or EC P-256) and a SHA-256 signature.")
    public static let certificateNotJavaTrusted = MessageDefinition(
        "ZWEL1325W", "'{alias}' in {store} lacks the trusted attribute; Java will not list this certificate as trusted",
        cause: "Java treats a PKCS#12 certificate as a trusted entry only when it carries Oracle's trusted-key-usage attribute; truststores made with OpenSSL lack it.",
        fix: "Import the certificate with keytool (keytool -importcert -alias {alias} -keystore {store}), or run 'zwe init certificate' again.")
    public static let filePermissionsUnsafe = MessageDefinition(
        "ZWEL1326E", "{path} has mode {mode}: {problem}",
        cause: "Stores, private keys and the password file must be changeable by their owner alone, and secrets readable by no one outside the owner and group; otherwise other users can read or replace them.",
        fix: "Run 'chmod {change} {path}' ('zwe init certificate' writes 600, or 640 with ZOWE_LOCK_KEYSTORE=false).")
    public static let keystorePasswordMissing = MessageDefinition(
        "ZWEL1327E", "No keystore password: {path} does not set KEYSTORE_PASSWORD and ZWE_KEYSTORE_PASSWORD is not given",
        cause: "The stores open with KEYSTORE_PASSWORD from zowe-certificates.env, unless ZWE_KEYSTORE_PASSWORD overrides it.",
        fix: "Set ZWE_KEYSTORE_PASSWORD in the environment, or run 'zwe init certificate' again.")
    public static let privateKeyUnreadable = MessageDefinition(
        "ZWEL1328E", "{path} ({key}) holds no private key that can be read: {reason}",
        cause: "Components read the server's private key from this PEM file, which must hold one unencrypted PRIVATE KEY block.",
        fix: "Export the key again (openssl pkcs12 -in KEYSTORE -nocerts -nodes -out FILE), or run 'zwe init certificate' again.")
    public static let pemCertificateDiffers = MessageDefinition(
        "ZWEL1329W", "{path} (KEYSTORE_CERTIFICATE) is not the certificate of '{alias}' in {store}",
        cause: "Components that read the PEM files present another certificate than those that read the keystore, usually because only one of them was replaced.",
        fix: "Export the keystore's certificate again (keytool -exportcert -rfc -alias {alias}), or run 'zwe init certificate' again.")

    static let validationMessages: [MessageDefinition] = [
        keystoreDirectoryUnusable, keystoreDirectoryWithoutEnv, checksSkipped, envPathMissing, envKeyMissing,
        keystoreTypeUnsupported, storeNotPKCS12, keyringNotChecked, keyringMissing, keyringDatabaseUnnamed, keyringConnectionBroken, storesWrongPassword, aliasNotFound,
        aliasNotAKey, storeEntryUnreadable, keyMismatch, extendedKeyUsageMissing, keyUsageInsufficient,
        certificateExpired, certificateNotYetValid, certificateExpiring, hostNotCovered,
        hostNotCoveredLenient, chainIssuerMissing, chainWrongKey, chainRootUntrusted,
        certificateNotACA, weakCryptography, certificateNotJavaTrusted, filePermissionsUnsafe,
        keystorePasswordMissing, privateKeyUnreadable, pemCertificateDiffers,
    ]
}
