import Testing
import ZweMessages

@Suite("Message table")
struct MessageCatalogTests {
    @Test("Every id is unique, of the form ZWELnnnnX (or API ML's ZWEAMnnnX / ZWEAGnnnX), and has a cause and a fix")
    func wellFormed() {
        let ids = MessageCatalog.all.map(\.id)
        #expect(Set(ids).count == ids.count, "duplicate ids")
        for message in MessageCatalog.all {
            let ours = message.id.hasPrefix("ZWEL") && message.id.dropFirst(4).prefix(4).allSatisfy(\.isNumber)
            let apiML = (message.id.hasPrefix("ZWEAM") || message.id.hasPrefix("ZWEAG"))
                && message.id.dropFirst(5).prefix(3).allSatisfy(\.isNumber)
            #expect((ours || apiML) && message.id.count == 9, "\(message.id)")
            #expect(["I", "W", "E"].contains(message.id.last.map(String.init) ?? ""), "\(message.id)")
            #expect(!message.text.isEmpty && !message.cause.isEmpty && !message.fix.isEmpty, "\(message.id)")
        }
    }

    @Test("Values fill placeholders; unknown placeholders stay visible")
    func rendering() {
        let diagnostic = Diagnostic(MessageCatalog.invalidBoolean, ["key": "VERIFY_CERTIFICATES", "value": "yes"], location: "a.env:3")
        #expect(diagnostic.description == "ZWEL1103E VERIFY_CERTIFICATES must be true or false, not 'yes' (a.env:3)")
        #expect(diagnostic.fix == "Set VERIFY_CERTIFICATES=true or VERIFY_CERTIFICATES=false.")
        #expect(Diagnostic(MessageCatalog.invalidBoolean).message == "{key} must be true or false, not '{value}'")
        #expect(diagnostic.severity == .error)
    }
}
