// Messages of instance directories, launch-plan resolution and preflight (ZWEL1400-1499).

extension MessageCatalog {
    public static let instanceEnvMissing = MessageDefinition(
        "ZWEL1400E", "{dir} is not an instance directory: instance.env is missing",
        cause: "Every command on an instance reads DIR/instance.env, and this folder has none.",
        fix: "Create the instance with 'zwe configure-instance -c {dir}', or give the path of an existing instance.")
    public static let rootDirInvalid = MessageDefinition(
        "ZWEL1401E", "ROOT_DIR {path} is not a Zowe runtime directory",
        cause: "A runtime directory holds manifest.json with \"name\": \"Zowe\"; the folder ROOT_DIR names has none.",
        fix: "Set ROOT_DIR in instance.env to the runtime (the runtime-stub folder of a source tree, or an installed runtime), or re-run 'zwe configure-instance -c DIR' to rewrite it.")
    public static let rootDirUndefined = MessageDefinition(
        "ZWEL1402E", "ROOT_DIR is not defined and the program belongs to no runtime",
        cause: "instance.env has no ROOT_DIR, and zwe was not started from a runtime directory or source tree.",
        fix: "Set ROOT_DIR in instance.env to the Zowe runtime directory.")
    public static let keystoreDirectoryUndefined = MessageDefinition(
        "ZWEL1403E", "KEYSTORE_DIRECTORY is not set in instance.env",
        cause: "The instance takes its certificates from a keystore directory, and instance.env does not name one.",
        fix: "Set KEYSTORE_DIRECTORY in instance.env to a folder written by 'zwe init certificate'.")
    public static let keystoreDirectoryInaccessible = MessageDefinition(
        "ZWEL1404E", "Keystore directory {path} is not accessible: {reason}",
        cause: "KEYSTORE_DIRECTORY must be a folder this user can read, holding zowe-certificates.env.",
        fix: "Check the path in instance.env, run 'zwe init certificate' to create it, or fix its permissions.")
    public static let certificatesEnvMissing = MessageDefinition(
        "ZWEL1405E", "{path} is missing",
        cause: "A keystore directory holds zowe-certificates.env, which tells the components where their stores and keys are.",
        fix: "Run 'zwe init certificate -p FILE.env' with KEYSTORE_DIRECTORY={dir} to write it.")
    public static let componentNotFound = MessageDefinition(
        "ZWEL1406E", "Component {id} was not found",
        cause: "A component id resolves to ROOT_DIR/components/ID, an extension folder (ZWE_EXTENSION_DIR) or a path; none of them exists.",
        fix: "Check the spelling in ZWE_LAUNCH_COMPONENTS or EXTERNAL_COMPONENTS, or install the component.")
    public static let componentGroupSkipped = MessageDefinition(
        "ZWEL1407W", "{what} is not available on this runtime and is skipped",
        cause: "LAUNCH_COMPONENT_GROUPS names a Zowe group or component this runtime does not carry.",
        fix: "Remove it from LAUNCH_COMPONENT_GROUPS, or leave it: it is skipped at every start.")
    public static let startScriptMissing = MessageDefinition(
        "ZWEL1408E", "The start script of {id} is missing or not executable: {path}",
        cause: "The launcher starts a component through the script its manifest names in commands.start, and that file is not there or lacks execute permission.",
        fix: "Restore the file, or make it executable with 'chmod +x {path}'.")
    public static let dependencyUnknown = MessageDefinition(
        "ZWEL1409E", "{id} depends on {dependency}, which is not launched",
        cause: "dependsOn in the manifest names a component that is not in the list of components to start.",
        fix: "Add {dependency} to the components to launch, or remove it from dependsOn in {id}'s manifest.")
    public static let dependencyCycle = MessageDefinition(
        "ZWEL1410E", "The components depend on each other in a circle: {cycle}",
        cause: "dependsOn decides the start order; a cycle leaves no component to start first.",
        fix: "Remove one of the dependsOn entries of the cycle.")
    public static let portInvalid = MessageDefinition(
        "ZWEL1411E", "{variable}='{value}' is not a port number",
        cause: "Ports are whole numbers from 1 to 65535.",
        fix: "Set {variable} in instance.env to a free port, e.g. the Zowe default.")
    public static let portDuplicate = MessageDefinition(
        "ZWEL1412E", "{first} and {second} both use port {port}",
        cause: "Two components of one instance cannot listen on the same port.",
        fix: "Give one of them another port in instance.env.")
    public static let portInUse = MessageDefinition(
        "ZWEL1413E", "Port {port} of {id} ({variable}) on {address} is in use by {owner}",
        cause: "Another process already listens on this port, so the component could not start.",
        fix: "Stop that process (it may be a leftover of an earlier start), or set {variable} in instance.env to a free port.")
    public static let jobPrefixLong = MessageDefinition(
        "ZWEL1414W", "ZOWE_PREFIX and ZOWE_INSTANCE together ('{prefix}') are longer than 6 characters",
        cause: "Job names are the prefix, the instance and a two-letter code; z/OS job names have at most 8 characters.",
        fix: "Shorten ZOWE_PREFIX or ZOWE_INSTANCE so that together they have at most 6 characters.")
    public static let instanceNotWritable = MessageDefinition(
        "ZWEL1415E", "The instance directory {dir} is not writable: {reason}",
        cause: "The launcher writes workspace/, logs/ and .env/ in the instance directory.",
        fix: "Run as the user that owns the instance directory, or fix its permissions.")
    public static let validateScriptFailed = MessageDefinition(
        "ZWEL1416E", "The validate script of {id} failed ({status}): {output}",
        cause: "Each component checks its own settings with its manifest's commands.validate before start; this one reported a problem.",
        fix: "Read the script's message above and correct the setting it names in instance.env.")
    public static let instanceValid = MessageDefinition(
        "ZWEL1417I", "Instance {dir} validated: {errors} errors, {warnings} warnings ({components} components)",
        cause: "Every preflight check ran.",
        fix: "No action needed when there are no errors.")
    public static let invalidSetting = MessageDefinition(
        "ZWEL1418E", "{key}='{value}' is not valid: {reason}",
        cause: "This instance.env setting has a fixed form.",
        fix: "Correct {key} in instance.env; 'zwe configure-instance' shows the defaults in the template.")
    public static let instanceInsideRuntime = MessageDefinition(
        "ZWEL1419E", "The instance directory {dir} is inside the runtime directory {runtime}",
        cause: "The runtime directory is read-only at run time and shared by every instance; an instance keeps its own files apart from it.",
        fix: "Choose a folder outside {runtime}, e.g. ~/zowe/instance.")
    public static let instanceCreated = MessageDefinition(
        "ZWEL1420I", "Instance directory {dir} created (ROOT_DIR={root}, KEYSTORE_DIRECTORY={keystore})",
        cause: "zwe configure-instance wrote instance.env from the template and the bin/ scripts.",
        fix: "Review instance.env, then run 'zwe validate -c {dir}'.")
    public static let instanceUpgraded = MessageDefinition(
        "ZWEL1421I", "Instance directory {dir} updated: {changes}",
        cause: "zwe configure-instance added the template keys the instance lacked and rewrote what was stale; values already set were kept.",
        fix: "Review instance.env, then run 'zwe validate -c {dir}'.")
    public static let setArgumentInvalid = MessageDefinition(
        "ZWEL1422E", "--set '{value}' is not KEY=VALUE with a valid key",
        cause: "--set takes a variable name (letters, digits, underscores, not starting with a digit), '=', and the value.",
        fix: "Write it as --set KEY=VALUE, quoting the whole argument for your shell if the value has spaces.")
    public static let launchComponentMissingPort = MessageDefinition(
        "ZWEL1423E", "{id}'s health check names {variable}, which instance.env does not set",
        cause: "The manifest's healthCheck.portVariable names the instance.env key that holds the component's port.",
        fix: "Set {variable} in instance.env (re-run 'zwe configure-instance -c DIR' to add the template's default).")
    public static let ignoringValidationErrors = MessageDefinition(
        "ZWEL1424W", "ZWE_IGNORE_VALIDATION_ERRORS=true: starting despite {errors} preflight errors",
        cause: "Preflight errors normally stop the start; this setting overrides that.",
        fix: "Fix the errors above and remove ZWE_IGNORE_VALIDATION_ERRORS.")
    public static let rootDirFromProgram = MessageDefinition(
        "ZWEL1425I", "ROOT_DIR is empty; using the runtime of this program, {path}",
        cause: "instance.env does not set ROOT_DIR, so the runtime the zwe program belongs to is used.",
        fix: "Set ROOT_DIR in instance.env to choose a runtime explicitly.")

    static let instanceMessages: [MessageDefinition] = [
        instanceEnvMissing, rootDirInvalid, rootDirUndefined, keystoreDirectoryUndefined,
        keystoreDirectoryInaccessible, certificatesEnvMissing, componentNotFound, componentGroupSkipped,
        startScriptMissing, dependencyUnknown, dependencyCycle, portInvalid, portDuplicate, portInUse,
        jobPrefixLong, instanceNotWritable, validateScriptFailed, instanceValid, invalidSetting,
        instanceInsideRuntime, instanceCreated, instanceUpgraded, setArgumentInvalid,
        launchComponentMissingPort, ignoringValidationErrors, rootDirFromProgram,
    ]
}
