extension MessageCatalog {
    /// `docs/messages.md`: the table of every message, generated so that it never drifts.
    public static func markdown() -> String {
        var out = """
            # Messages

            Every message the product prints, generated from the message table by \
            `zwe messages --markdown`. Ids end in I (information), W (warning) or E (error); \
            ids below ZWEL1000 are the Zowe launcher's own.

            | id | message | cause | fix |
            |---|---|---|---|

            """
        func cell(_ text: String) -> String {
            text.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
        }
        for message in all.sorted(by: { $0.id < $1.id }) {
            out += "| \(message.id) | \(cell(message.text)) | \(cell(message.cause)) | \(cell(message.fix)) |\n"
        }
        return out
    }
}
