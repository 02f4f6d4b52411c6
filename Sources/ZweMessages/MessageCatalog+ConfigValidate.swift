// Messages of `zwe config validate`: a zowe.yaml checked against Zowe's JSON schemas and the
// schemas of its enabled components (ZWEL2210-2219), and Zowe's own ids where zwe v2 prints
// one for the same event (ZWEL0070E before the findings, ZWEL0152E for a missing component).

extension MessageCatalog {
    public static let configHasExceptions = MessageDefinition(
        "ZWEL0070E", "Configuration has validity exceptions:",
        cause: "The configuration breaks rules of the Zowe schema or of an enabled component's schema; the messages after this one list each problem.",
        fix: "Correct each value the following messages point at, then run zwe config validate again.")
    public static let configComponentNotFound = MessageDefinition(
        "ZWEL0152E", "Cannot find component {id}.",
        cause: "No folder {id} with a manifest is in the runtime's components folder or in zowe.extensionDirectory; looked in: {searched}.",
        fix: "Check the component id (the 'id' of its manifest), install it with 'zwe components install -o PATH', correct zowe.runtimeDirectory or zowe.extensionDirectory, or set components.{id}.enabled to false.")
    public static let configValueNotAllowed = MessageDefinition(
        "ZWEL2210E", "{key} is {value}, not one of the allowed values: {allowed}",
        cause: "The schema lists the values this key may take, and this one is not among them; upper and lower case count.",
        fix: "Set {key} to one of: {allowed}.")
    public static let configValuePattern = MessageDefinition(
        "ZWEL2211E", "{key} is '{value}', which does not match the pattern {pattern}",
        cause: "The schema gives the form of this text as a regular expression, and the value does not have that form.",
        fix: "Write {key} in the form {pattern} describes (for a data set or member name: upper-case letters, digits and $ # @).")
    public static let configValueLimit = MessageDefinition(
        "ZWEL2212E", "{key} is {value}, and must be {limit}",
        cause: "The schema bounds this value: a number's range, or how long a text is or how many entries a list or mapping has.",
        fix: "Change {key} so that it is {limit}.")
    public static let configValueDuplicate = MessageDefinition(
        "ZWEL2213E", "{key} lists {value} more than once",
        cause: "The schema requires the entries of this list to be different from each other.",
        fix: "Remove the repeated entries from {key}.")
    public static let configValueAmbiguous = MessageDefinition(
        "ZWEL2214E", "{key} fits {count} of the alternatives of its schema, and must fit exactly one",
        cause: "The schema offers alternative forms for this value (oneOf at {schema}), and the value has the settings of more than one of them.",
        fix: "Keep the settings of one form only, for example only those of a PKCS12 keystore or only those of a key ring.")
    public static let configValueForbidden = MessageDefinition(
        "ZWEL2215E", "{key} is set to a value its schema forbids here",
        cause: "The schema at {schema} excludes this value ('not', or a schema that allows nothing).",
        fix: "Remove {key} or change its value; the rule it breaks is at {schema}.")
    public static let schemaUnusable = MessageDefinition(
        "ZWEL2216E", "The schema {schema} cannot be used: {reason}",
        cause: "A JSON schema the configuration is checked against is missing, is not valid JSON, refers to a schema that is not there, or uses a rule this validator does not apply.",
        fix: "Restore the runtime's schemas folder (zowe-yaml-schema.json, server-common.json) or point zowe.runtimeDirectory at a runtime that has it; a component's schema comes with the component, so reinstall it or tell its provider.")
    public static let componentSchemaMissingWarning = MessageDefinition(
        "ZWEL2217W", "Component {id} has no configuration schema; components.{id} is not checked",
        cause: "Its manifest {manifest} gives no schemas.configs file, and zowe.configmgr.validation is COMPONENT-COMPAT (the default), which lets that pass.",
        fix: "Ask the component's provider for a version with a schema, or set zowe.configmgr.validation to STRICT to make this an error.")
    public static let componentSchemaMissing = MessageDefinition(
        "ZWEL2218E", "Component {id} has no configuration schema, and zowe.configmgr.validation is STRICT",
        cause: "Its manifest {manifest} gives no schemas.configs file, and STRICT validation requires every enabled component to have one.",
        fix: "Install a version of the component that has a schema, disable the component, or set zowe.configmgr.validation to COMPONENT-COMPAT.")
    public static let configValid = MessageDefinition(
        "ZWEL2219I", "Zowe configuration is valid: {files} (Zowe schemas from {schemas}; components checked: {components})",
        cause: "Every value of the configuration fits the Zowe schema and the schemas of the enabled components.",
        fix: "Nothing to correct; the configuration can be used to start the instance.")

    static let configValidateMessages: [MessageDefinition] = [
        configHasExceptions, configComponentNotFound, configValueNotAllowed, configValuePattern, configValueLimit,
        configValueDuplicate, configValueAmbiguous, configValueForbidden, schemaUnusable,
        componentSchemaMissingWarning, componentSchemaMissing, configValid,
    ]
}
