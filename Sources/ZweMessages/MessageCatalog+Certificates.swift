// Messages of keystore setup and certificate inspection (ZWEL1100-1199).

extension MessageCatalog {
    public static let keystoreWritten = MessageDefinition(
        "ZWEL1100I", "Keystore directory {dir} written: certificate '{alias}' ({algorithm}, valid {days} days) for {san}",
        cause: "The setup completed and switched the keystore directory to the new set in one step.",
        fix: "No action needed. Point an instance at it with KEYSTORE_DIRECTORY={dir}.")
    public static let keystoreDirectoryMissing = MessageDefinition(
        "ZWEL1101E", "KEYSTORE_DIRECTORY is not set",
        cause: "The setup needs to know where to write the keystore directory, and neither the -p file nor the defaults name one.",
        fix: "Add KEYSTORE_DIRECTORY=/path/to/keystore to the file given with -p.")
    public static let externalFieldsIncomplete = MessageDefinition(
        "ZWEL1102E", "Some external apiml certificate fields are supplied...Fields must be filled out in full or left completely blank.",
        cause: "Only some of EXTERNAL_CERTIFICATE, EXTERNAL_CERTIFICATE_ALIAS and EXTERNAL_CERTIFICATE_AUTHORITIES are set; an external certificate needs all three.",
        fix: "Set all three (the PKCS#12 file with the key, the alias of its key entry, the CA certificate files) or leave all three empty to generate a certificate signed by the local CA.")
    public static let invalidBoolean = MessageDefinition(
        "ZWEL1103E", "{key} must be true or false, not '{value}'",
        cause: "This setting is a switch and only takes the values true and false.",
        fix: "Set {key}=true or {key}=false.")
    public static let invalidKeyAlgorithm = MessageDefinition(
        "ZWEL1104E", "KEY_ALGORITHM '{value}' is not supported",
        cause: "Keys can be RSA of 2048, 3072 or 4096 bits, or EC on the P-256 curve.",
        fix: "Set KEY_ALGORITHM to RSA-2048 (the default), RSA-3072, RSA-4096 or EC-P256.")
    public static let invalidValidityDays = MessageDefinition(
        "ZWEL1105E", "CERTIFICATE_VALIDITY_DAYS '{value}' is not a number of days between 1 and 36500",
        cause: "The validity of the generated certificates is a whole number of days.",
        fix: "Set CERTIFICATE_VALIDITY_DAYS to a whole number such as 3650 (the default) or 365.")
    public static let invalidIPAddress = MessageDefinition(
        "ZWEL1106E", "'{value}' in IPADDRESS is not an IPv4 or IPv6 address",
        cause: "Every entry of IPADDRESS goes into the certificate as an IP address and must be one.",
        fix: "List IP addresses separated by commas, e.g. IPADDRESS=127.0.0.1,10.1.2.3; put host names in HOSTNAME.")
    public static let invalidHostName = MessageDefinition(
        "ZWEL1107E", "'{value}' in HOSTNAME is not a valid host name",
        cause: "Every entry of HOSTNAME goes into the certificate as a DNS name: letters, digits, hyphens and dots, with an optional leading '*.' wildcard.",
        fix: "List host names separated by commas, e.g. HOSTNAME=zowe.example.com,zowe.")
    public static let invalidAlias = MessageDefinition(
        "ZWEL1108E", "{key} '{value}' cannot be used as an alias",
        cause: "The alias names the key entry and the folder of the keystore directory, so it may hold only letters, digits, '.', '_' and '-', must not start with '.', and must not be 'localca' or 'jwtsecret'.",
        fix: "Choose a simple name such as localhost (the default).")
    public static let setupLockBusy = MessageDefinition(
        "ZWEL1109E", "Another setup of {dir} has been running for more than {seconds} seconds",
        cause: "Only one setup writes a keystore directory at a time; the other one holds the lock {lock}.",
        fix: "Wait for the other setup to end (or stop it), then run this one again.")
    public static let cannotWrite = MessageDefinition(
        "ZWEL1110E", "Cannot write {path}: {reason}",
        cause: "The file system refused to create or change a file or folder of the keystore directory.",
        fix: "Check that the folder exists, that this user may write it, and that the disk is not full.")
    public static let cannotReadCertificateFile = MessageDefinition(
        "ZWEL1111E", "Cannot read certificates from {path}: {reason}",
        cause: "The file named in the configuration does not exist, cannot be read, or holds no PEM or DER certificate.",
        fix: "Check the path and that the file is a certificate in PEM (-----BEGIN CERTIFICATE-----) or DER form.")
    public static let externalKeystoreUnusable = MessageDefinition(
        "ZWEL1112E", "The external certificate {path} cannot be used: {reason}",
        cause: "EXTERNAL_CERTIFICATE must be a PKCS#12 file that opens with KEYSTORE_PASSWORD and holds a key entry named EXTERNAL_CERTIFICATE_ALIAS.",
        fix: "Check the file, the password and the alias ('zwe certificate inspect FILE' lists the aliases).")
    public static let externalChainBroken = MessageDefinition(
        "ZWEL1113E", "The external certificate does not chain to the given authorities: issuer '{issuer}' is missing",
        cause: "No certificate in EXTERNAL_CERTIFICATE_AUTHORITIES (or in the external keystore) signed the certificate with that subject.",
        fix: "Add the missing intermediate or root CA certificate file to EXTERNAL_CERTIFICATE_AUTHORITIES (space separated).")
    public static let ownershipNotChanged = MessageDefinition(
        "ZWEL1116W", "The keystore directory stays owned by {owner}: {reason}",
        cause: "ZOWE_USER_ID and ZOWE_GROUP_ID name the owner of the stores; the setup could not give them the files (it needs to run as root for the user, or be a member of the group).",
        fix: "Run the setup as root, create the user and group, or set ZOWE_USER_ID and ZOWE_GROUP_ID to the user and group that run Zowe here.")
    public static let passwordMissing = MessageDefinition(
        "ZWEL1117E", "No keystore password was given",
        cause: "The password comes from --password-file, ZWE_KEYSTORE_PASSWORD, or KEYSTORE_PASSWORD in the env file, else from a prompt; none gave one and there is no terminal to ask on.",
        fix: "Set ZWE_KEYSTORE_PASSWORD in the environment, give --password-file FILE, or set KEYSTORE_PASSWORD in the env file.")
    public static let invalidComponentID = MessageDefinition(
        "ZWEL1118E", "'{value}' in COMPONENT_LEVEL_CERTIFICATES is not a component id",
        cause: "Component ids name key entries and files, so they may hold only lower-case letters, digits and '-', and must differ from the keystore alias.",
        fix: "List component ids separated by commas, e.g. COMPONENT_LEVEL_CERTIFICATES=gateway,discovery.")
    public static let storeWriteFailed = MessageDefinition(
        "ZWEL1119E", "Could not build {path}: {reason}",
        cause: "Making a key, a certificate or a PKCS#12 store failed inside the cryptographic library.",
        fix: "Run again; if it fails the same way, report the message with the KEY_ALGORITHM used.")
    public static let storeWrongPassword = MessageDefinition(
        "ZWEL1120E", "{path} does not open with the password given",
        cause: "The PKCS#12 integrity check failed: the password is not the one the store was written with.",
        fix: "Give the store's password (--password-file, ZWE_KEYSTORE_PASSWORD or the prompt); for a keystore directory it is KEYSTORE_PASSWORD in zowe-certificates.env.")
    public static let notACertificateFile = MessageDefinition(
        "ZWEL1121E", "{path} is neither a PEM file nor a PKCS#12 store: {reason}",
        cause: "The file holds no -----BEGIN block and is not a PKCS#12 structure.",
        fix: "Give a .cer/.pem/.key file in PEM form or a .p12 keystore or truststore.")
    public static let passwordFileUnreadable = MessageDefinition(
        "ZWEL1122E", "Cannot read the password file {path}",
        cause: "--password-file names a file that does not exist or that this user may not read.",
        fix: "Check the path and permissions; the file holds the password on its first line.")
    public static let hostDetected = MessageDefinition(
        "ZWEL1123I", "Detected host name {hostname} and address {address}",
        cause: "--detect-host read the machine's own host name and its first non-loopback address, without a DNS query.",
        fix: "No action needed; set HOSTNAME and IPADDRESS in the env file instead to choose other names.")
    public static let setupWaiting = MessageDefinition(
        "ZWEL1124I", "Waiting for another setup of {dir} to finish",
        cause: "Another setup holds the lock of this keystore directory; setups of one directory run one after another.",
        fix: "No action needed.")
    public static let existingEntryReplaced = MessageDefinition(
        "ZWEL1125W", "{path} was not written by this setup and has been moved to {backup}",
        cause: "The keystore directory held a file or folder of the same name from an earlier tool (for example Zowe's own setup script).",
        fix: "No action needed; delete the backup when you no longer need it.")
    public static let invalidKeystoreDirectory = MessageDefinition(
        "ZWEL1126E", "KEYSTORE_DIRECTORY {dir} cannot be used: {reason}",
        cause: "The keystore directory must be a folder (or a path that can be created) outside any runtime directory.",
        fix: "Choose another KEYSTORE_DIRECTORY, e.g. /global/zowe/keystore or ~/zowe/keystore.")

    static let certificateMessages: [MessageDefinition] = [
        keystoreWritten, keystoreDirectoryMissing, externalFieldsIncomplete, invalidBoolean,
        invalidKeyAlgorithm, invalidValidityDays, invalidIPAddress, invalidHostName, invalidAlias,
        setupLockBusy, cannotWrite, cannotReadCertificateFile, externalKeystoreUnusable,
        externalChainBroken, ownershipNotChanged, passwordMissing,
        invalidComponentID, storeWriteFailed, storeWrongPassword, notACertificateFile,
        passwordFileUnreadable, hostDetected, setupWaiting, existingEntryReplaced,
        invalidKeystoreDirectory,
    ]
}

extension MessageCatalog {
    public static let setupStarting = MessageDefinition(
        "ZWEL1127I", "Setting up keystore directory {dir} from {file} (alias {alias}, {algorithm})",
        cause: "zwe init certificate read its settings and is making the certificates.",
        fix: "No action needed.")
    public static let defaultsNotFound = MessageDefinition(
        "ZWEL1128W", "The runtime's zowe-setup-certificates.env was not found; built-in defaults are used",
        cause: "The defaults file is looked for in the runtime directory the program belongs to (ROOT_DIR/bin).",
        fix: "Run the program from a runtime directory or source tree, or set every variable in the -p file.")

    public static let passwordHasNewline = MessageDefinition(
        "ZWEL1129E", "The keystore password contains a line break",
        cause: "Passwords are one line: zowe-certificates.env and every env file hold one value per line.",
        fix: "Choose a password without line breaks.")

    public static let programNotFound = MessageDefinition(
        "ZWEL1130E", "The zwe program was not found",
        cause: "The runtime's scripts look for zwe in ZWE_BIN_DIR, then in the .build/release and .build/debug of the source tree that holds the runtime, then in the runtime's bin/, then on PATH.",
        fix: "Build it with 'swift build -c release', or set ZWE_BIN_DIR to the folder that holds zwe.")

    static let certificateMessages2: [MessageDefinition] = [setupStarting, defaultsNotFound, passwordHasNewline, programNotFound]
}
