// Messages of changing a zowe.yaml in place (ZWEL2220-2239): the editor, `zwe init certificate
// -c` with --update-config, and `zwe components install|enable|disable|upgrade`; with Zowe's
// own ids and texts where zwe v2 reports the same event (ZWEL0152E, ZWEL0155E, ZWEL0157E,
// ZWEL0164E, ZWEL0170E, ZWEL0180E, ZWEL0313E, ZWEL0318E), their causes and fixes our own.

extension MessageCatalog {
    // MARK: the editor

    public static let configEditUnsupported = MessageDefinition(
        "ZWEL2220E", "Cannot set {key} in {path}: {reason}",
        cause: "The place where the value belongs is written in a way that an automatic edit could change the meaning of, so the file was left exactly as it was.",
        fix: "Set {key} by hand at the place shown, or rewrite that part in block style (one key per line), then run the command again.")
    public static let configEditNotMapping = MessageDefinition(
        "ZWEL2221E", "Cannot set {key} in {path}: {parent} is {actual}, not a mapping",
        cause: "A value on the way to the key is a single value or a list, so no key can be added below it; the file was left as it was.",
        fix: "Change {parent} into a mapping (key: value lines below it) or remove it, then run the command again.")
    public static let configEditNotReadBack = MessageDefinition(
        "ZWEL2222E", "The edit of {path} was not written: read back, {reason}",
        cause: "After the change, the text was read again and it did not hold exactly the values set and every other value unchanged; writing it would have changed the configuration in a way nobody asked for.",
        fix: "Set the values by hand; please report the file's layout around the key so that the editor can be corrected.")
    public static let configEditWriteFailed = MessageDefinition(
        "ZWEL2223E", "Cannot write {path}: {reason}",
        cause: "The new text is written to a temporary file in the same folder and renamed over the file; that failed, so the file was left as it was.",
        fix: "Give this user write permission on the folder of {path} (the file is replaced, not rewritten), and check that the file system has space.")
    public static let configEditConcurrent = MessageDefinition(
        "ZWEL2224E", "{path} changed while it was being edited",
        cause: "Another program wrote the file between the moment it was read and the moment the edited text was to replace it; its change was kept and this one was not applied.",
        fix: "Run the command again once the other writer has finished.")
    public static let configEdited = MessageDefinition(
        "ZWEL2225I", "Updated {path}: {changes}",
        cause: "The values were set in place; comments, blank lines, key order and every other line of the file are as they were.",
        fix: "Nothing to do; review the change with your version control or a diff if you keep one.")
    public static let configAlreadySet = MessageDefinition(
        "ZWEL2226I", "{path} already holds {changes}; it was not rewritten",
        cause: "Every value to set already had the value asked for.",
        fix: "Nothing to do.")

    // MARK: zwe init certificate -c

    public static let setupValueMissing = MessageDefinition(
        "ZWEL0157E", "{what} ({key}) is not defined in Zowe YAML configuration file.",
        cause: "zwe init certificate -c reads how to make the keystore from zowe.setup.certificate, and this value, which it cannot do without, is not set in any of the files given with -c.",
        fix: "Add {key} to the zowe.yaml (see the example-zowe.yaml of Zowe for its place), then run the command again.")
    public static let setupValueInvalid = MessageDefinition(
        "ZWEL0164E", "Value of {what} ({key}) defined in Zowe YAML configuration file is invalid. Valid values are {valid}.",
        cause: "The value is not one that zwe init certificate can act on.",
        fix: "Set {key} to one of: {valid}.")
    public static let setupTrustFailed = MessageDefinition(
        "ZWEL0170E", "Failed to trust {service} \"{host}:{port}\".",
        cause: "zowe.verifyCertificates is STRICT or NONSTRICT, so the setup fetches the certificates z/OSMF presents at zOSMF.host:zOSMF.port to trust them, and that failed: {reason}. Nothing was written.",
        fix: "Start z/OSMF or correct zOSMF.host and zOSMF.port; in STRICT mode the certificate must name the host. Or set zowe.verifyCertificates to DISABLED to set up without trusting z/OSMF.")
    public static let setupKeyringNeedsSAF = MessageDefinition(
        "ZWEL2227E", "zowe.setup.certificate.type {type} needs the simulated SAF database: ZWE_SAF_DIR is not set",
        cause: "A key ring (JCERACFKS) lives in a SAF database; on Linux that is the folder ZWE_SAF_DIR names, and it is not set in the environment of this command.",
        fix: "Export ZWE_SAF_DIR=/path/to/saf (the folder 'zwe keyring' uses), or use type PKCS12.")
    public static let setupConfigManual = MessageDefinition(
        "ZWEL2228I", "Zowe configuration requires manual updates: add these values to {path} (or run again with --update-config)",
        cause: "The keystore was written, and zowe.certificate in the configuration must name it for the instance to use it; without --update-config the file is not changed.",
        fix: "Copy the values printed below into zowe.certificate of the zowe.yaml.")
    public static let setupArgumentsConflict = MessageDefinition(
        "ZWEL2229E", "Give either -p FILE.env or -c zowe.yaml, not {given}",
        cause: "zwe init certificate reads a v1 setup env file (-p) or a v2 zowe.yaml (-c); exactly one of them tells it what to write.",
        fix: "Run 'zwe init certificate -p zowe-setup-certificates.env' or 'zwe init certificate -c zowe.yaml [--update-config]'.")
    public static let setupKeystoreWritten = MessageDefinition(
        "ZWEL2230I", "Keystore {keystore} written with key {alias} (signed by {ca}), truststore {truststore}; {trusted}",
        cause: "The local CA, the Zowe certificate, its key and PEM files were made and published in one step as Zowe v2 lays them out.",
        fix: "Nothing to do; the instance uses them once zowe.certificate names them.")

    public static let setupKeyringOptionUnsupported = MessageDefinition(
        "ZWEL2235E", "{key} is set: {what} into a key ring is not done by zwe init certificate on Linux",
        cause: "Zowe runs the ZWEKRING job for this case; here the simulated SAF database is changed with 'zwe keyring' instead, and zwe init certificate -c only generates a local CA and a Zowe certificate into the ring.",
        fix: "Remove {key} and let the setup generate the certificates, or prepare the ring with 'zwe keyring import' or 'zwe keyring connect' and name it in zowe.certificate by hand.")

    // MARK: zwe components

    public static let componentAlreadyInstalled = MessageDefinition(
        "ZWEL0155E", "Component {id} already exists in {dir}. If you meant to upgrade this component, run the command 'zwe components upgrade' instead.",
        cause: "A folder of that name is already in the extension directory, and install never replaces one.",
        fix: "Run 'zwe components upgrade -o PATH -c zowe.yaml' to replace it, or remove {dir}/{id} first.")
    public static let extensionDirectoryMissing = MessageDefinition(
        "ZWEL0180E", "Zowe extension directory (zowe.extensionDirectory) is not defined in Zowe YAML configuration file.",
        cause: "Components that are not part of the runtime are installed into zowe.extensionDirectory, and none of the files given with -c sets it.",
        fix: "Add zowe.extensionDirectory (a folder outside the runtime directory, e.g. /global/zowe/extensions) to the zowe.yaml.")
    public static let componentFileMissing = MessageDefinition(
        "ZWEL0313E", "Cannot find component file {path}.",
        cause: "-o names neither an existing folder nor an existing archive file.",
        fix: "Give the path of the component's folder or of its .zip, .tar, .tar.gz or .pax archive.")
    public static let componentFileType = MessageDefinition(
        "ZWEL0318E", "File extension invalid. Supported file extensions: .pax, .tar, .zip",
        cause: "-o names a file whose name does not say which kind of archive it is (.tar.gz and .tgz are read as well).",
        fix: "Give the component's folder, or an archive whose name ends in one of the extensions listed.")
    public static let componentInstallFailed = MessageDefinition(
        "ZWEL2231E", "Cannot install {source}: {reason}",
        cause: "Installing unpacks or copies the component into a temporary folder of the extension directory and renames it into place; a step failed, and the extension directory holds what it held before.",
        fix: "Correct what the message names (permissions on the extension directory, a damaged archive, a missing unzip or tar program) and run the command again.")
    public static let componentInstalled = MessageDefinition(
        "ZWEL2232I", "Component {id} {action} in {dir}",
        cause: "The component's files were put into the extension directory in one step.",
        fix: "Nothing to do; 'zwe components enable' turns it on for the instance (install does so itself).")
    public static let componentEnabledState = MessageDefinition(
        "ZWEL2233I", "{key} is now {value} (it was {previous})",
        cause: "The component's enabled flag was set in the first configuration file given with -c.",
        fix: "Restart the instance for the change to take effect.")
    public static let haInstanceUnknownForEdit = MessageDefinition(
        "ZWEL2234W", "HA instance {id} is not defined in haInstances of {path}; haInstances.{id} was created",
        cause: "--ha-instance names an HA instance that the configuration has no entry for; the flag was set under a new entry.",
        fix: "Check the spelling of the HA instance id; the defined ones are: {defined}.")

    static let configEditMessages: [MessageDefinition] = [
        configEditUnsupported, configEditNotMapping, configEditNotReadBack, configEditWriteFailed, configEditConcurrent,
        configEdited, configAlreadySet,
        setupValueMissing, setupValueInvalid, setupTrustFailed, setupKeyringNeedsSAF, setupConfigManual, setupArgumentsConflict,
        setupKeystoreWritten, setupKeyringOptionUnsupported,
        componentAlreadyInstalled, extensionDirectoryMissing, componentFileMissing, componentFileType,
        componentInstallFailed, componentInstalled, componentEnabledState, haInstanceUnknownForEdit,
    ]
}
