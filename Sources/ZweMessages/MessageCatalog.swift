// The one table of every message id the product prints. `docs/messages.md` is generated
// from `MessageCatalog.all` (`zwe internal messages-doc`); add new entries here and to `all`.
// Ids: ZWEL + 4 digits + I/W/E. Ids below ZWEL1000 are the Zowe launcher's own, reused where
// the event is the same; ids from ZWEL1000 are this product's.

public enum MessageCatalog {
    // MARK: env files (ZWEL1000-1019)
    public static let envFileMissing = MessageDefinition(
        "ZWEL1001E", "File {path} does not exist or cannot be read",
        cause: "The configuration file named on the command line or in the configuration is not there, or this user may not read it.",
        fix: "Check the path, create the file (copy the defaults file of the runtime), or fix its permissions.")
    public static let envCommandSubstitution = MessageDefinition(
        "ZWEL1002E", "Command substitution is not allowed in an env file: {detail}",
        cause: "The value uses $(...) or backticks; configuration files are read without a shell, and commands in them are never run.",
        fix: "Replace the command with its literal result, or quote the text with single quotes if the characters are meant literally.")
    public static let envUnterminatedQuote = MessageDefinition(
        "ZWEL1003E", "Unterminated {quote} quote in an env file",
        cause: "A quoted value does not end on the same line; values in env files are one line.",
        fix: "Close the quote on the same line. To put a quote inside a value, use the other kind of quote or escape it (\\\" inside double quotes).")
    public static let envLineContinuation = MessageDefinition(
        "ZWEL1004E", "Backslash at the end of a line in an env file",
        cause: "A trailing backslash continues the line in a shell; values in env files are one line.",
        fix: "Join the two lines into one, or quote the value if the backslash belongs to it ('...\\').")
    public static let envNotAnAssignment = MessageDefinition(
        "ZWEL1005E", "Not a KEY=VALUE assignment: {detail}",
        cause: "Each line of an env file must be empty, a # comment, or one KEY=VALUE (optionally after 'export'), with no spaces around '=' and no second word after the value.",
        fix: "Write the line as KEY=VALUE; quote a value that holds spaces (KEY=\"a b\"), and put a comment after ' #'.")
    public static let envUnsupportedExpansion = MessageDefinition(
        "ZWEL1006E", "Unsupported parameter expansion: {detail}",
        cause: "Only $VAR, ${VAR}, ${VAR:-default} and ${VAR-default} are read from env files.",
        fix: "Use one of the supported forms, or write the value out.")
    public static let envShellSyntax = MessageDefinition(
        "ZWEL1007E", "Shell syntax outside quotes: {detail}",
        cause: "The characters ; & | < > ( ) have a meaning to a shell and are not part of an unquoted value.",
        fix: "Quote the value with single quotes if the characters belong to it.")
    public static let envCarriageReturn = MessageDefinition(
        "ZWEL1008E", "Carriage return at the end of a line (DOS line endings)",
        cause: "The file was saved with CR LF line endings; a shell would keep the CR as part of the value.",
        fix: "Convert the file to LF line endings, e.g. with 'sed -i s/\\r$// FILE'.")
    public static let envNotUTF8 = MessageDefinition(
        "ZWEL1009E", "File {path} is not valid UTF-8 text",
        cause: "Env files are read as UTF-8 text; this file holds bytes that are not.",
        fix: "Save the file as UTF-8 (or ASCII) text.")
    public static let envNulCharacter = MessageDefinition(
        "ZWEL1010E", "NUL character in an env file",
        cause: "The file holds a NUL byte, which no shell variable can hold; the file is probably binary or damaged.",
        fix: "Check that the path names the right file, and remove the NUL bytes from it.")

    /// Every message of the product, in id order.
    public static let all: [MessageDefinition] = [
        envFileMissing, envCommandSubstitution, envUnterminatedQuote, envLineContinuation,
        envNotAnAssignment, envUnsupportedExpansion, envShellSyntax, envCarriageReturn, envNotUTF8,
        envNulCharacter,
    ] + certificateMessages + certificateMessages2 + manifestMessages + instanceMessages + validationMessages + launcherMessages + runtimeMessages + discoveryMessages + catalogMessages + gatewayMessages
        + zosmfMessages + jobsMessages + trustMessages + keyringMessages + metricsMessages + exportMessages + highAvailabilityMessages
        + zoweYAMLMessages + migrateMessages + configValidateMessages + configEditMessages
}
