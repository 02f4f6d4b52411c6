import ArgumentParser
import Foundation
import ZweConfiguration
import ZweExport
import ZweMessages

/// `zwe export`: an instance as the files of another service manager.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write an instance as Kubernetes manifests or as a systemd unit.",
        discussion: """
            The instance is read as 'zwe start' reads it (instance.env, zowe-certificates.env, the \
            component manifests); nothing is started and nothing of the instance is changed.
            """,
        subcommands: [ExportKubernetesCommand.self, ExportSystemdCommand.self])
}

/// The instance's plan, or the exit of a command whose instance has errors (each printed).
func exportPlan(_ directory: String, haInstance: String?) throws -> LaunchPlan {
    let result = LaunchPlanner.plan(
        instanceDirectory: directory, haInstance: haInstance, environment: commandEnvironment(),
        programRuntime: RuntimeDirectory.ofRunningProgram())
    for finding in result.findings where finding.severity != .info { ConsoleLog.printExplained(finding) }
    let errors = result.findings.filter { $0.severity == .error }.count
    guard let plan = result.plan, errors == 0 else {
        let absolute = LaunchPlanner.normalise(directory, relativeTo: FileManager.default.currentDirectoryPath)
        throw fail([Diagnostic(MessageCatalog.exportInstanceInvalid, ["dir": absolute, "count": "\(max(errors, 1))"])])
    }
    return plan
}

struct ExportKubernetesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubernetes",
        abstract: "Write Kubernetes manifests of an instance: workloads, Services, a Secret and a ConfigMap.",
        discussion: """
            Each component becomes a Deployment (discovery a StatefulSet with a headless Service, \
            so that its pods have stable names) whose container runs the component's start \
            script with the environment the launcher would give it, with start-up, readiness and \
            liveness probes on its HTTPS health check; a ClusterIP Service per component; the \
            keystore directory as the Secret zowe-keystore, mounted at the keystore path; the \
            environment every component shares as the ConfigMap zowe-instance; passwords only in \
            the Secret. A warning names the cluster host names that the Zowe certificate does not \
            cover. With -o DIR one file per kind is written (the Secret's owner-only); without \
            it the manifests go to standard output, unless that is a terminal.
            """)

    @Option(name: .customShort("c"), help: ArgumentHelp("The instance directory.", valueName: "DIR"))
    var instanceDirectory: String

    @Option(name: .customShort("o"), help: ArgumentHelp("Write the manifests into this folder (made when missing).", valueName: "DIR"))
    var output: String?

    @Option(help: ArgumentHelp("The namespace of every object.", valueName: "NAME"))
    var namespace = "zowe"

    @Option(help: ArgumentHelp("The container image with zwe, zwe-component and the runtime directory.", valueName: "IMAGE"))
    var image = "zowe-launcher:latest"

    @Option(help: ArgumentHelp("Pods of the discovery StatefulSet.", valueName: "N"))
    var discoveryReplicas = 1

    @Option(help: ArgumentHelp("The cluster's DNS domain.", valueName: "DOMAIN"))
    var clusterDomain = "cluster.local"

    @OptionGroup var ha: HAInstanceOption

    func run() throws {
        var problems: [Diagnostic] = []
        if image.isEmpty || image.contains(where: { $0.isWhitespace || $0.isNewline }) {
            problems.append(Diagnostic(MessageCatalog.exportOptionInvalid, ["option": "--image", "value": image, "reason": "empty or holds blanks", "expected": "an image reference such as registry.example.com/zowe-launcher:1.28"]))
        }
        if !(1...9).contains(discoveryReplicas) {
            problems.append(Diagnostic(MessageCatalog.exportOptionInvalid, ["option": "--discovery-replicas", "value": "\(discoveryReplicas)", "reason": "out of range", "expected": "a number from 1 to 9"]))
        }
        let domainLabels = clusterDomain.split(separator: ".", omittingEmptySubsequences: false)
        if domainLabels.isEmpty || domainLabels.contains(where: { label in
            label.isEmpty || label.count > 63 || !label.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        }) {
            problems.append(Diagnostic(MessageCatalog.exportOptionInvalid, ["option": "--cluster-domain", "value": clusterDomain, "reason": "not a lower-case DNS name", "expected": "the cluster's DNS domain, such as cluster.local"]))
        }
        guard problems.isEmpty else { throw fail(problems) }
        if output == nil, isatty(STDOUT_FILENO) == 1 {
            throw fail([Diagnostic(MessageCatalog.exportSecretToTerminal)])
        }

        let plan = try exportPlan(instanceDirectory, haInstance: ha.haInstance)
        var options = KubernetesExport.Options()
        options.namespace = namespace
        options.image = image
        options.discoveryReplicas = discoveryReplicas
        options.clusterDomain = clusterDomain
        let export: KubernetesExport
        do {
            export = try KubernetesExport(plan: plan, options: options)
        } catch {
            throw fail(error.items.sorted { $0.severity < $1.severity })
        }
        for warning in export.warnings { ConsoleLog.printExplained(warning) }

        guard let output else {
            FileHandle.standardOutput.write(Data(YAMLWriter.stream(export.documents).utf8))
            return
        }
        let folder = LaunchPlanner.normalise(output, relativeTo: FileManager.default.currentDirectoryPath)
        do {
            try ExportFiles.write(export.files.map { ExportFiles.Item(name: $0.name, text: $0.text, mode: $0.holdsSecret ? 0o600 : 0o644) }, into: folder)
        } catch {
            throw fail([error])
        }
        print(Diagnostic(MessageCatalog.exportWritten, [
            "what": "Kubernetes manifests (\(export.files.map(\.name).joined(separator: ", ")))", "dir": plan.instanceDirectory, "path": folder,
        ]).description)
        print("Apply them with 'kubectl apply -f \(folder)'.")
    }
}

struct ExportSystemdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "systemd",
        abstract: "Write a systemd service unit that runs an instance.",
        discussion: """
            The unit runs 'zwe start -c DIR --foreground' (Type=notify: the launcher sends READY=1 \
            when every component is READY and STOPPING=1 when it begins to stop) and 'zwe stop -c \
            DIR' to stop; the launcher stops its components itself (KillMode=mixed). The start \
            and stop timeouts follow the components' ready and shutdown timeouts. ZWE_BIN_DIR and \
            ZWE_SAF_DIR, when set, are carried into the unit.
            """)

    @Option(name: .customShort("c"), help: ArgumentHelp("The instance directory.", valueName: "DIR"))
    var instanceDirectory: String

    @Option(name: .customShort("o"), help: ArgumentHelp("Write the unit into this file (default: standard output).", valueName: "FILE"))
    var output: String?

    @Option(help: ArgumentHelp("The user the service runs as (User=).", valueName: "NAME"))
    var user: String?

    @OptionGroup var ha: HAInstanceOption

    func run() throws {
        let plan = try exportPlan(instanceDirectory, haInstance: ha.haInstance)
        let environment = commandEnvironment()
        var carried: [String: String] = [:]
        for key in SystemdUnit.carriedVariables {
            if let value = environment[key], !value.isEmpty { carried[key] = value }
        }
        let unit: SystemdUnit
        do {
            unit = try SystemdUnit(plan: plan, options: .init(program: currentProgram(), user: user, environment: carried))
        } catch {
            throw fail(error.items)
        }
        guard let output else {
            FileHandle.standardOutput.write(Data(unit.text.utf8))
            return
        }
        let path = LaunchPlanner.normalise(output, relativeTo: FileManager.default.currentDirectoryPath)
        do {
            try ExportFiles.write(unit.text, to: path, mode: 0o644)
        } catch {
            throw fail([error])
        }
        print(Diagnostic(MessageCatalog.exportWritten, ["what": "The systemd unit", "dir": plan.instanceDirectory, "path": path]).description)
        print("Check it with 'systemd-analyze verify \(path)'; install it as /etc/systemd/system/NAME.service, then 'systemctl daemon-reload' and 'systemctl enable --now NAME'.")
    }
}
