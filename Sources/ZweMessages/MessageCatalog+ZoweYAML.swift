// Messages of the Zowe v2/v3 configuration: reading zowe.yaml, its templates and schema
// (ZWEL2200-2239), and Zowe's own ids where zwe v2 has one for the same event.

extension MessageCatalog {
    public static let configFileUnreadable = MessageDefinition(
        "ZWEL2200E", "Cannot read the configuration file {path}: {reason}",
        cause: "A file named with -c (or in a FILE(...) list) is not there, cannot be read by this user, or is not UTF-8 text.",
        fix: "Check the path given with -c, fix the file's permissions, or save it as UTF-8 text.")
    public static let configNotMapping = MessageDefinition(
        "ZWEL2201E", "The configuration {path} is {actual}, not a mapping of keys to values",
        cause: "The top level of a zowe.yaml holds keys such as zowe, zOSMF and components, and this file holds something else there.",
        fix: "Write the file as 'key: value' lines starting at the left margin, beginning with 'zowe:'.")
    public static let configArgumentInvalid = MessageDefinition(
        "ZWEL2202E", "-c {value} names neither an instance directory nor a zowe.yaml",
        cause: "-c takes a v1 instance directory, a zowe.yaml file, or several files as FILE(a.yaml):FILE(b.yaml); this value is none of them.",
        fix: "Give the path of an existing instance directory or zowe.yaml.")
    public static let templateUnresolved = MessageDefinition(
        "ZWEL2203E", "The template {expression} does not resolve: {reason}",
        cause: "A ${{ ... }} in a value names a configuration value or environment variable that is not set, refers to itself, or is an expression this reader does not evaluate.",
        fix: "Set the value it names, write a fallback as ${{ a || 'default' }}, or replace the template with the literal value.")
    public static let configValueWrongType = MessageDefinition(
        "ZWEL2204E", "{key} must be {expected}, not {actual}",
        cause: "The value at this position has a different type than the Zowe configuration schema gives for the key.",
        fix: "Write {key} as {expected}; quote a text that looks like a number or boolean, or remove the quotes from a number.")
    public static let configValueInvalid = MessageDefinition(
        "ZWEL2205E", "{key} is '{value}': {reason}",
        cause: "The value has the right type but is not one the Zowe configuration allows for this key.",
        fix: "Change {key} to {reason}.")
    public static let configKeyMissing = MessageDefinition(
        "ZWEL2206E", "{key} is required and not set",
        cause: "The Zowe configuration schema requires this key, and none of the configuration files sets it.",
        fix: "Add {key} to the zowe.yaml.")
    public static let configKeyUnknown = MessageDefinition(
        "ZWEL2207E", "{key} is not a key of {parent}",
        cause: "The Zowe configuration schema does not allow this key at this place; it may be misspelt or indented one level wrong.",
        fix: "Correct the spelling or indentation (the allowed keys are: {allowed}), or remove the key.")
    public static let haInstanceNotInConfig = MessageDefinition(
        "ZWEL2208E", "HA instance {id} is not defined in {path}",
        cause: "--ha-instance names an HA instance, but the configuration's haInstances has no entry of that name.",
        fix: "Use one of the defined HA instances ({defined}), or add haInstances.{id} to the zowe.yaml.")
    public static let configStartSetting = MessageDefinition(
        "ZWEL2209E", "{key} cannot be used to start: {reason}",
        cause: "The configuration is read for a start, and this value does not give what the start needs.",
        fix: "Set {key} as the message says, then start again.")

    static let zoweYAMLMessages: [MessageDefinition] = [
        configFileUnreadable, configNotMapping, configArgumentInvalid, templateUnresolved, configValueWrongType,
        configValueInvalid, configKeyMissing, configKeyUnknown, haInstanceNotInConfig, configStartSetting,
    ]
}

// MARK: - zwe migrate (ZWEL2240-2249)

extension MessageCatalog {
    public static let migrated = MessageDefinition(
        "ZWEL2240I", "Wrote {output} from {sources}: {components} components on ports {ports}",
        cause: "The v1 instance was read and written as a v2 zowe.yaml that starts the same components on the same ports with the same keystore.",
        fix: "Check it with 'zwe config validate -c {output}', then start it with 'zwe start -c {output}'. Stop the v1 instance first: both use the same workspace and ports.")
    public static let migratedToEnvironments = MessageDefinition(
        "ZWEL2241W", "No v2 key for {count} values; kept under zowe.environments: {keys}",
        cause: "Zowe v2 has no configuration key for these instance.env values; under zowe.environments every component still gets them as before.",
        fix: "Nothing to do for a start; move a value to its component's section (components.<id>.*) where that component reads one.")
    public static let migratedDropped = MessageDefinition(
        "ZWEL2242I", "Not carried over: {keys}",
        cause: "These instance.env values are empty, or v2 works them out itself from the keys written.",
        fix: "Nothing to do; set the matching v2 key by hand if the value was meant to differ.")
    public static let migrateOutputExists = MessageDefinition(
        "ZWEL2243E", "{output} already exists",
        cause: "zwe migrate writes a new file and does not replace one that may hold other settings.",
        fix: "Give another -o path, remove the file, or add --force to replace it.")
    public static let migrateMismatch = MessageDefinition(
        "ZWEL2244E", "The migrated configuration would not start the same instance: {difference}",
        cause: "The zowe.yaml written to a temporary file was planned again and differs from the v1 instance in its components, ports or keystore.",
        fix: "Nothing was written. Report the instance.env that gives this; migrate the named key by hand.")
    public static let migrateWriteFailed = MessageDefinition(
        "ZWEL2245E", "Cannot write {output}: {reason}",
        cause: "The folder of the output file does not exist or this user may not write there.",
        fix: "Create the folder or choose another -o path.")

    static let migrateMessages: [MessageDefinition] = [
        migrated, migratedToEnvironments, migratedDropped, migrateOutputExists, migrateMismatch, migrateWriteFailed,
    ]
}
