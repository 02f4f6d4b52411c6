import ArgumentParser
import Foundation
import ZweCertificates
import ZweMessages

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show the certificates and keys of a PEM file or PKCS#12 store.",
        discussion: """
            For each entry: alias and type, then per certificate the subject, issuer, serial, \
            validity, SAN, key usage, extended key usage, basic constraints, key type and \
            SHA-256 fingerprint. A PKCS#12 password comes from --password-file, then \
            ZWE_KEYSTORE_PASSWORD, then a prompt; never from an argument.
            """)

    @Argument(help: ArgumentHelp("A .cer/.pem/.key file or a .p12 store.", valueName: "FILE"))
    var file: String

    @Option(help: ArgumentHelp("Read the store password from the first line of this file.", valueName: "FILE"))
    var passwordFile: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        do {
            let inspection = try Inspection.inspect(path: file) { () throws(Diagnostic) -> String in
                if let password = try PasswordSource.fromFileOrEnvironment(passwordFile: passwordFile) { return password }
                if let password = PasswordSource.prompt("Password of \(file): ") { return password }
                throw Diagnostic(MessageCatalog.passwordMissing)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(inspection), as: UTF8.self))
            } else {
                print(inspection.text, terminator: "")
            }
        } catch let diagnostic as Diagnostic {
            throw fail([diagnostic])
        }
    }
}

struct MessagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messages",
        abstract: "List every message id with its text, cause and fix.",
        discussion: "docs/messages.md is this command's --markdown output.")

    @Flag(help: "Print the Markdown document instead of plain text.")
    var markdown = false

    func run() throws {
        if markdown {
            print(MessageCatalog.markdown(), terminator: "")
        } else {
            for message in MessageCatalog.all {
                print("\(message.id) \(message.text)\n    cause: \(message.cause)\n    fix:   \(message.fix)")
            }
        }
    }
}
