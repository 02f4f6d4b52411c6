// Messages of key rings in the simulated SAF database: `zwe keyring`, the ZWEKRING job's
// operations (ZWEL2000-2049).

extension MessageCatalog {
    public static let keyringNoDatabase = MessageDefinition(
        "ZWEL2000E", "No SAF database is named: set ZWE_SAF_DIR or give --saf-dir",
        cause: "Key rings and their certificates live in the simulated SAF database, a folder that ZWE_SAF_DIR names.",
        fix: "Export ZWE_SAF_DIR=/path/to/saf (made on first use, owner-only) or pass --saf-dir.")
    public static let keyringFailed = MessageDefinition(
        "ZWEL2001E", "{operation} failed in the SAF database {dir}: {reason}",
        cause: "The key ring operation could not be done as asked; the database is unchanged by it.",
        fix: "Check the owner, ring and label named; 'zwe keyring list --owner OWNER --ring RING' shows what a ring holds.")
    public static let keyringInputUnreadable = MessageDefinition(
        "ZWEL2002E", "{path} cannot be used as {what}: {reason}",
        cause: "The file must hold PEM: a certificate (BEGIN CERTIFICATE) or a PKCS#8 private key (BEGIN PRIVATE KEY).",
        fix: "Convert it with openssl (for example 'openssl pkcs8 -topk8 -nocrypt' for a key) and give the PEM file.")
    public static let keyringKeyMismatch = MessageDefinition(
        "ZWEL2003E", "The private key {key} does not belong to the certificate {certificate}",
        cause: "A certificate imported with its key must carry the key's public half.",
        fix: "Give the key file that was made with the certificate's request.")
    public static let keyringSetupIncomplete = MessageDefinition(
        "ZWEL2004E", "{key} is required when ZOWE_KEYRING is set",
        cause: "Keyring mode keeps the certificates in a key ring of the simulated SAF database; the setup needs to know which database and whose ring.",
        fix: "Set {key} in the setup file (ZWE_SAF_DIR: the database folder; ZOWE_USER_ID: the ring's owner).")
    public static let keyringSetupWritten = MessageDefinition(
        "ZWEL2015I", "Keystore directory {dir} points at the key ring {store} of {saf} (label {label})",
        cause: "Keyring mode: zowe-certificates.env names the ring; the keystore directory holds no certificate.",
        fix: "No action needed. 'zwe keyring list --saf-dir {saf} --owner OWNER --ring RING' shows the ring.")
    public static let renewNotPossible = MessageDefinition(
        "ZWEL2030E", "The certificates of {dir} cannot be renewed: {reason}",
        cause: "Renewal keeps the local CA and the JWT key of the keystore directory and issues a new Zowe certificate (and component certificates) signed by that CA.",
        fix: "Run 'zwe init certificate -p FILE.env' to make a new keystore directory (a new local CA: every client that trusted the old one must trust the new one).")
    public static let renewed = MessageDefinition(
        "ZWEL2031I", "Renewed the Zowe certificate {alias} of {dir}: serial {serial}, valid until {notAfter}, signed by the same CA",
        cause: "The new certificate is in the same paths; running components still serve the old one.",
        fix: "Send SIGHUP to the gateway and discovery (they read their stores again without dropping connections) or restart the components: 'zwe restart -c INSTANCE --component ID'.")
    public static let certificateExpiresSoon = MessageDefinition(
        "ZWEL2032W", "The Zowe certificate of {instance} expires in {days} days",
        cause: "After that date no client accepts the instance's TLS connections.",
        fix: "Renew it: 'zwe certificate renew -p FILE.env' (the setup file of the keystore directory), then SIGHUP or restart the components.")
    public static let keyringCreated = MessageDefinition(
        "ZWEL2010I", "Key ring {owner}/{ring} created",
        cause: "RACDCERT ADDRING: the ring exists and is empty.",
        fix: "No action needed. Add certificates with 'zwe keyring generate', 'import' or 'connect'.")
    public static let keyringCertificateAdded = MessageDefinition(
        "ZWEL2011I", "Certificate {owner}/'{label}' added: {subject}{withKey}",
        cause: "RACDCERT GENCERT or ADD: the labelled certificate is in the database.",
        fix: "No action needed.")
    public static let keyringConnected = MessageDefinition(
        "ZWEL2012I", "{owner}/'{label}' connected to key ring {ringOwner}/{ring} as {usage}{default}",
        cause: "RACDCERT CONNECT: components that open the ring see the certificate.",
        fix: "No action needed.")
    public static let keyringRemoved = MessageDefinition(
        "ZWEL2013I", "Key ring {owner}/{ring} removed, with {count} certificates no other ring uses",
        cause: "ZWENOKYR: the ring is deleted, and the certificates it connected unless another ring still connects them.",
        fix: "No action needed.")
    public static let keyringReused = MessageDefinition(
        "ZWEL2014I", "Certificate {owner}/'{label}' is already in the database and is used as it is",
        cause: "The local CA of an earlier run signs the new certificate, as ZWEKRING does when the CA label exists.",
        fix: "No action needed; remove it with 'zwe keyring delete' to start over.")

    static let keyringMessages: [MessageDefinition] = [
        keyringNoDatabase, keyringFailed, keyringInputUnreadable, keyringKeyMismatch, keyringSetupIncomplete, keyringCreated,
        keyringCertificateAdded, keyringConnected, keyringRemoved, keyringReused, keyringSetupWritten,
        renewNotPossible, renewed, certificateExpiresSoon,
    ]
}
