// Messages of YAML reading and component manifests (ZWEL1200-1219).

extension MessageCatalog {
    // MARK: YAML
    public static let yamlSyntax = MessageDefinition(
        "ZWEL1200E", "Not valid YAML: {detail}",
        cause: "The YAML reader stopped at the position shown because the text there breaks the YAML rules.",
        fix: "Correct the text at that line and column: indent with spaces only, close every bracket and quote, and write each key once per mapping.")
    public static let yamlTooDeep = MessageDefinition(
        "ZWEL1201E", "YAML is nested more than {limit} levels deep",
        cause: "Lists and mappings inside each other go deeper than any configuration needs, so the file is refused rather than read.",
        fix: "Check that the file is the one meant; flatten the structure if it really is that deep.")
    public static let yamlAliasExpansion = MessageDefinition(
        "ZWEL1202E", "YAML aliases expand to more than {limit} nodes",
        cause: "Each *alias is read as a copy of its &anchor, and the copies add up to more than is allowed, as in a document built to exhaust memory.",
        fix: "Write the repeated parts out, or use fewer aliases of large anchored values.")
    public static let yamlMultipleDocuments = MessageDefinition(
        "ZWEL1203E", "More than one YAML document in one file",
        cause: "A '---' line after content starts a second document, and a manifest is a single document.",
        fix: "Remove the second '---' and what follows, or merge the two documents into one.")

    // MARK: component manifests
    public static let manifestMissing = MessageDefinition(
        "ZWEL1204E", "No manifest.yaml, manifest.yml or manifest.json in {dir}",
        cause: "Every component folder describes the component in a manifest file, and none of the three names exists in this one.",
        fix: "Check that {dir} is the component's folder, or add a manifest.yaml that gives at least its id.")
    public static let manifestUnreadable = MessageDefinition(
        "ZWEL1205E", "Cannot read the manifest {path}: {reason}",
        cause: "A file of that name exists, but it is not a readable file or its content is not UTF-8 text.",
        fix: "Fix the permissions of the file, or save it as UTF-8 text.")
    public static let manifestNotMapping = MessageDefinition(
        "ZWEL1206E", "The manifest is {actual}, not a mapping of keys to values",
        cause: "The top level of a manifest holds keys such as id and commands, and this file holds something else there.",
        fix: "Write the manifest as 'key: value' lines starting at the left margin (or as one JSON object).")
    public static let manifestKeyMissing = MessageDefinition(
        "ZWEL1207E", "{key} is required and has no value",
        cause: "The manifest leaves out a key without which the component cannot be described, or gives it an empty value.",
        fix: "Add {key} with a value.")
    public static let manifestWrongType = MessageDefinition(
        "ZWEL1208E", "{key} must be {expected}, not {actual}",
        cause: "The value of the key has a different shape from the one it is read as.",
        fix: "Write {key} as {expected}.")
    public static let manifestInvalidComponentID = MessageDefinition(
        "ZWEL1209E", "{key} '{value}' is not a component id",
        cause: "Component ids name folders, files and dependencies, so they hold only lower-case letters, digits and '-', and start with a letter or digit.",
        fix: "Use an id such as gateway or zss-auth.")
    public static let manifestInvalidJobCode = MessageDefinition(
        "ZWEL1210E", "jobCode '{value}' is not two upper-case letters or digits",
        cause: "The job code becomes part of the names of the component's processes, which have room for exactly two characters from A-Z and 0-9.",
        fix: "Use two characters such as AG, or remove jobCode.")
    public static let manifestInvalidSeconds = MessageDefinition(
        "ZWEL1211E", "{key} must be a whole number of seconds, 0 or more, not '{value}'",
        cause: "Launcher timings are counted in whole seconds and cannot be negative or fractional.",
        fix: "Write {key} as digits only, for example 30.")
    public static let manifestEmptyList = MessageDefinition(
        "ZWEL1212E", "{key} must list at least one value",
        cause: "An empty list leaves nothing to use; leaving the key out is how the default is asked for.",
        fix: "Give {key} at least one value, or remove the key.")
    public static let manifestInvalidVariable = MessageDefinition(
        "ZWEL1213E", "{key} '{value}' is not an environment variable name",
        cause: "The value names the variable that holds the component's port, so it must be letters, digits and '_', not starting with a digit.",
        fix: "Name the variable without '$' or braces, for example GATEWAY_PORT.")
    public static let manifestInvalidHealthPath = MessageDefinition(
        "ZWEL1214E", "{key} '{value}' is not an HTTP path starting with '/'",
        cause: "The health check requests this path on the component's own host and port, so it holds no scheme or host.",
        fix: "Give only the path, for example /application/health.")
    public static let manifestSelfDependency = MessageDefinition(
        "ZWEL1215E", "Component {id} lists itself in dependsOn",
        cause: "A component cannot wait for itself to start.",
        fix: "Remove {id} from dependsOn.")

    static let manifestMessages: [MessageDefinition] = [
        yamlSyntax, yamlTooDeep, yamlAliasExpansion, yamlMultipleDocuments,
        manifestMissing, manifestUnreadable, manifestNotMapping, manifestKeyMissing,
        manifestWrongType, manifestInvalidComponentID, manifestInvalidJobCode,
        manifestInvalidSeconds, manifestEmptyList, manifestInvalidVariable,
        manifestInvalidHealthPath, manifestSelfDependency,
    ]
}
