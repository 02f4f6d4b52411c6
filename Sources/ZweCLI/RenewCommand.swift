import ArgumentParser
import Foundation
import ZweCertificates
import ZweMessages

/// `zwe certificate renew -p FILE.env`: a new Zowe certificate from the local CA in place.
struct RenewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renew",
        abstract: "Issue the Zowe certificate (and component certificates) again, signed by the same local CA.",
        discussion: """
            Reads the same setup file as 'zwe init certificate'. The local CA and the JWT key are \
            kept, so that clients keep trusting the instance and tokens stay valid; the new \
            certificates replace the old ones in the same paths in one step. In keyring mode the \
            ring's certificate is issued again by its CA label. Running components take the new \
            certificate on SIGHUP (gateway, discovery and every component on the runtime, \
            without dropping connections) or on 'zwe restart -c DIR --component ID'.
            """)

    @Option(name: .customShort("p"), help: ArgumentHelp("The setup env file of the keystore directory.", valueName: "FILE.env"))
    var parameterFile: String

    @Option(help: ArgumentHelp("Read the keystore password from the first line of this file.", valueName: "FILE"))
    var passwordFile: String?

    func run() async throws {
        try await withSetupLog(logDirectory: nil, fileStem: "zowe-renew-certificates") { log in
            let settings = try readSetupSettings(parameterFile: parameterFile, passwordFile: passwordFile, detectHost: false, log: log)
            return try await KeystoreSetup(settings: settings).renew(onWait: waiting(log, settings), onMessage: { log.write($0) })
        }
    }
}
