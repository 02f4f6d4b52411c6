// `zwe init certificate -c zowe.yaml [--update-config]`: the Zowe v2 way of the setup. The
// configuration is read and checked, the keystore (or key ring) is written in one step, and
// zowe.certificate is then set in the first -c file, or printed for the user to add. With
// --update-config the file is first checked to take the values, so that a configuration the
// editor cannot change fails before any certificate is made.

import Foundation
import ZweCertificates
import ZweConfiguration
import ZweMessages

func runFromZoweYAML(configArgument: String, updateConfig: Bool, passwordFile: String?, logDirectory: String?) async throws {
    try await withSetupMessages(logDirectory: logDirectory, fileStem: "zwe-init-certificate") { log in
        let environment = ProcessInfo.processInfo.environment
        let workingDirectory = FileManager.default.currentDirectoryPath
        let config = try ZoweConfig.load(argument: configArgument, relativeTo: workingDirectory, environment: environment)
        let password = try PasswordSource.fromFileOrEnvironment(passwordFile: passwordFile)
        let settings = try ZoweYAMLSetupSettings.read(config, password: password, environment: environment, workingDirectory: workingDirectory)
        let setup = ZoweYAMLCertificateSetup(settings: settings)
        if updateConfig { try ZoweConfigEditor.check(setup.runtimeValues, inFile: settings.configFile) }

        let target: String
        switch settings.store {
        case .pkcs12(let pkcs12): target = pkcs12.layout.root
        case .keyring(let ring): target = ring.reference
        }
        log.write(Diagnostic(MessageCatalog.setupStarting, [
            "dir": target, "file": settings.configFile, "alias": settings.base.alias,
            "algorithm": settings.base.external == nil ? settings.base.keyAlgorithm.description : "imported certificate",
        ]))
        let result = try await setup.run(onWait: waiting(log, settings.base), onMessage: { log.write($0) })
        for message in result.messages { log.write(message) }

        let keys = result.runtimeValues.map(\.path.description).joined(separator: ", ")
        guard updateConfig else {
            log.write(Diagnostic(MessageCatalog.setupConfigManual, ["path": settings.configFile]))
            print("")
            for line in setup.runtimeBlock { print(line) }
            print("")
            return []
        }
        let changed = try ZoweConfigEditor.apply(result.runtimeValues, toFile: settings.configFile)
        return [Diagnostic(changed ? MessageCatalog.configEdited : MessageCatalog.configAlreadySet, ["path": settings.configFile, "changes": keys])]
    }
}
