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
