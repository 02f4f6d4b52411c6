import Foundation
import ZweCertificates
import ZweConfiguration
import ZweKeyMaterial
import ZweMessages

/// The Kubernetes form of an instance: one workload per component (discovery a StatefulSet
/// behind a headless Service, so that its pods have stable names; the others Deployments),
/// a ClusterIP Service per component port, the keystore directory as a Secret mounted at the
/// keystore path, and the environment the launcher would inject, split into a ConfigMap (what
/// every component shares), per-container values and Secret references (every password).
public struct KubernetesExport: Sendable {
    public struct Options: Sendable {
        public var namespace = "zowe"
        public var image = "zowe-launcher:latest"
        /// ROOT_DIR inside the image: the runtime directory with its components.
        public var runtimeDirectory = "/opt/zowe/runtime"
        /// ZWE_BIN_DIR inside the image: `zwe` and `zwe-component`.
        public var binDirectory = "/opt/zowe/bin"
        /// INSTANCE_DIR inside the pods: an emptyDir that holds the workspace.
        public var instanceDirectory = "/opt/zowe/instance"
        public var discoveryReplicas = 1
        public var clusterDomain = "cluster.local"
        /// The user, group and file-system group the pods run as (the image's non-root user).
        public var userID = 65532

        public init() {}
    }

    /// One output file: its name in the output folder, its documents, and whether it holds the Secret.
    public struct File: Sendable {
        public var name: String
        public var documents: [YAMLValue]
        public var holdsSecret: Bool
        public var text: String { YAMLWriter.stream(documents) }
    }

    public static let secretName = "zowe-keystore"
    public static let configMapName = "zowe-instance"
    public static let discoveryID = "discovery"
    /// The most a Secret may hold.
    public static let secretLimit = 1_048_576

    public let files: [File]
    /// Warnings for the user: cluster names the certificate lacks, components outside the runtime.
    public let warnings: [Diagnostic]

    public var documents: [YAMLValue] { files.flatMap(\.documents) }

    // MARK: - Building

    public init(plan: LaunchPlan, options: Options) throws(Diagnostics) {
        var problems: [Diagnostic] = []
        var warnings: [Diagnostic] = []
        let namespace = options.namespace
        if let reason = Self.labelProblem(namespace, mustStartWithLetter: false) {
            problems.append(Diagnostic(MessageCatalog.exportNameInvalid, ["what": "Namespace", "value": namespace, "reason": reason]))
        }
        if let certificates = plan.certificates, certificates.isKeyring {
            throw Diagnostics([Diagnostic(MessageCatalog.exportKeyringUnsupported, ["dir": plan.instanceDirectory, "store": certificates.keystore])])
        }
        let domain = "\(namespace).svc.\(options.clusterDomain)"
        let headless = "\(Self.discoveryID)-headless"
        var serviceNames: [String: String] = [:]
        for component in plan.components {
            let name = component.id.lowercased()
            if let reason = Self.labelProblem(name, mustStartWithLetter: true) {
                problems.append(Diagnostic(MessageCatalog.exportNameInvalid, ["what": "Component id", "value": component.id, "reason": reason]))
            } else if component.id == Self.discoveryID, options.discoveryReplicas > 1, name.count + 1 + String(options.discoveryReplicas - 1).count > 63 {
                problems.append(Diagnostic(MessageCatalog.exportNameInvalid, ["what": "Component id", "value": component.id, "reason": "too long for its pod names"]))
            }
            serviceNames[component.id] = name
        }
        let discovery = plan.components.first { $0.id == Self.discoveryID }
        let discoveryPods = discovery == nil ? [] : (0..<max(1, options.discoveryReplicas)).map { "\(Self.discoveryID)-\($0).\(headless).\(domain)" }

        // The environment of each component as the pods see it.
        func mapped(_ value: String) -> String {
            for (host, pod) in [(plan.rootDirectory, options.runtimeDirectory), (plan.instanceDirectory, options.instanceDirectory)] {
                if value == host { return pod }
                if value.hasPrefix(host + "/") { return pod + value.dropFirst(host.count) }
            }
            return value
        }
        let dropped: Set<String> = ["PATH", "HOME", "LANG", "TZ", "ZWE_SAF_DIR", "ZOWE_EXPLORER_HOST", "ZOWE_IP_ADDRESS"]
        var environments: [String: [String: String]] = [:]
        var secretValues: [String: String] = [:]  // Secret key -> value
        var secretReferences: [String: [String: String]] = [:]  // component -> variable -> Secret key
        for component in plan.components {
            var environment: [String: String] = [:]
            for (key, value) in component.environment where !dropped.contains(key) {
                if LaunchPlan.isSecret(key) {
                    var secretKey = key
                    if let taken = secretValues[key], taken != value { secretKey = "\(key).\(component.id)" }
                    secretValues[secretKey] = value
                    secretReferences[component.id, default: [:]][key] = secretKey
                    continue
                }
                environment[key] = mapped(value)
            }
            environment["ZWE_BIN_DIR"] = options.binDirectory
            environment["ZWE_BIND_ADDRESS"] = plan.bindAddress.contains(":") ? "::" : "0.0.0.0"
            if let discovery, let port = discovery.port {
                environment["ZWE_DISCOVERY_SERVICES_LIST"] = discoveryPods.map { "https://\($0):\(port)/eureka/" }.joined(separator: ",")
            }
            environments[component.id] = environment
            if !component.directory.hasPrefix(plan.rootDirectory + "/") {
                warnings.append(Diagnostic(MessageCatalog.exportComponentOutsideRuntime, ["id": component.id, "path": component.directory]))
            }
        }
        // What every component shares goes into the ConfigMap; the rest stays per container.
        var shared: [String: String] = [:]
        if let first = plan.components.first, let firstEnvironment = environments[first.id] {
            for (key, value) in firstEnvironment where plan.components.allSatisfy({ environments[$0.id]?[key] == value }) {
                shared[key] = value
            }
        }

        // The Secret: every file of the keystore directory (but the local CA's own keystore,
        // which holds the CA's private key and which no component reads), the users file, and
        // the secret variables.
        let keystoreDirectory = plan.keystoreDirectory
        let alias = plan.certificates?.stores?.keyAlias ?? "localhost"
        let caKeystore = KeystoreLayout(root: keystoreDirectory, alias: alias).localCAKeystore
        var secretData: [YAMLEntry] = []
        var secretItems: [YAMLValue] = []
        var secretBytes = 0
        var usedKeys = Set(secretValues.keys)
        for relative in Self.files(under: keystoreDirectory) where keystoreDirectory + "/" + relative != caKeystore {
            let path = keystoreDirectory + "/" + relative
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(Diagnostic(MessageCatalog.exportFileUnreadable, ["path": path, "reason": String(cString: strerror(access(path, R_OK) == 0 ? EIO : errno))], location: path))
                continue
            }
            let key = relative.replacingOccurrences(of: "/", with: ".")
            guard Self.isSecretKey(key), usedKeys.insert(key).inserted else {
                problems.append(Diagnostic(MessageCatalog.exportNameInvalid, ["what": "Keystore file", "value": relative, "reason": "its Secret key \(key) is not unique or holds characters other than letters, digits, '-', '_' and '.'"]))
                continue
            }
            secretBytes += data.count
            secretData.append(YAMLEntry(key, .string(data.base64EncodedString())))
            secretItems.append(.map(["key": .string(key), "path": .string(relative)]))
        }
        var usersFile: (key: String, path: String)?
        if let path = plan.instanceValues["ZWE_USERS_FILE"]?.trimmingCharacters(in: .whitespaces), !path.isEmpty {
            let absolute = LaunchPlanner.normalise(path, relativeTo: plan.instanceDirectory)
            if let data = FileManager.default.contents(atPath: absolute) {
                secretData.append(YAMLEntry("zwe-users-file", .string(data.base64EncodedString())))
                secretBytes += data.count
                usersFile = ("zwe-users-file", mapped(absolute))
                for id in environments.keys where environments[id]?["ZWE_USERS_FILE"] != nil { environments[id]?["ZWE_USERS_FILE"] = mapped(absolute) }
                if shared["ZWE_USERS_FILE"] != nil { shared["ZWE_USERS_FILE"] = mapped(absolute) }
            } else {
                problems.append(Diagnostic(MessageCatalog.exportFileUnreadable, ["path": absolute, "reason": "no such file, or not readable"], location: plan.instanceLocations["ZWE_USERS_FILE"]))
            }
        }
        for key in secretValues.keys.sorted() {
            secretData.append(YAMLEntry(key, .string(Data(secretValues[key]!.utf8).base64EncodedString())))
            secretBytes += secretValues[key]!.utf8.count
        }
        if secretBytes > Self.secretLimit * 3 / 4 {
            // Base64 makes the stored Secret a third larger than its bytes.
            let stored = (secretBytes + 2) / 3 * 4
            if stored > Self.secretLimit {
                problems.append(Diagnostic(MessageCatalog.exportSecretTooLarge, ["name": Self.secretName, "bytes": "\(stored)", "dir": keystoreDirectory]))
            }
        }

        // The certificate must name every host the components are called by in the cluster.
        var neededByCertificate: [(certificate: String, names: [String], components: [String])] = []
        for component in plan.components where component.port != nil {
            guard let name = serviceNames[component.id], let certificate = component.environment[.keystoreCertificate] else { continue }
            let names = ["\(name).\(domain)"] + (component.id == Self.discoveryID ? discoveryPods : [])
            if let index = neededByCertificate.firstIndex(where: { $0.certificate == certificate }) {
                neededByCertificate[index].names += names
                neededByCertificate[index].components.append(component.id)
            } else {
                neededByCertificate.append((certificate, names, [component.id]))
            }
        }
        for need in neededByCertificate {
            let leaf: LoadedCertificate
            do {
                guard let first = try CertificateFile.read(need.certificate).first else { continue }
                leaf = first
            } catch {
                problems.append(Diagnostic(MessageCatalog.exportFileUnreadable, ["path": need.certificate, "reason": error.message], location: need.certificate))
                continue
            }
            guard let missing = try? HostCoverage.uncovered(need.names, certificateDER: leaf.der), !missing.isEmpty else { continue }
            let servicesMissing = missing.contains { !discoveryPods.contains($0) }
            let hostnames = (servicesMissing ? ["*.\(domain)"] : []) + missing.filter { discoveryPods.contains($0) }
            warnings.append(Diagnostic(MessageCatalog.exportClusterNamesMissing, [
                "certificate": need.certificate, "names": missing.joined(separator: ", "),
                "components": need.components.joined(separator: ", "), "hostnames": hostnames.joined(separator: ","),
            ]))
        }

        guard problems.isEmpty else { throw Diagnostics(problems + warnings) }

        // MARK: Documents
        func labels(_ component: String?) -> YAMLValue {
            var entries = [YAMLEntry("app.kubernetes.io/name", .string("zowe")), YAMLEntry("app.kubernetes.io/instance", .string(plan.prefix.lowercased()))]
            if let component { entries.append(YAMLEntry("app.kubernetes.io/component", .string(component))) }
            entries.append(YAMLEntry("app.kubernetes.io/managed-by", .string("zwe")))
            return .map(entries)
        }
        func selector(_ component: String) -> YAMLValue {
            .map(["app.kubernetes.io/name": .string("zowe"), "app.kubernetes.io/instance": .string(plan.prefix.lowercased()),
                  "app.kubernetes.io/component": .string(component)])
        }
        func metadata(_ name: String, component: String?) -> YAMLValue {
            .map(["name": .string(name), "namespace": .string(namespace), "labels": labels(component)])
        }

        let namespaceDocument = YAMLValue.map([
            "apiVersion": .string("v1"), "kind": .string("Namespace"),
            "metadata": .map(["name": .string(namespace), "labels": labels(nil)]),
        ])
        let secretDocument = YAMLValue.map([
            "apiVersion": .string("v1"), "kind": .string("Secret"),
            "metadata": metadata(Self.secretName, component: nil),
            "type": .string("Opaque"),
            "data": .map(secretData),
        ])
        let configMapDocument = YAMLValue.map([
            "apiVersion": .string("v1"), "kind": .string("ConfigMap"),
            "metadata": metadata(Self.configMapName, component: nil),
            "data": .map(shared.keys.sorted().map { YAMLEntry($0, .string(shared[$0]!)) }),
        ])

        var services: [YAMLValue] = []
        var statefulSets: [YAMLValue] = []
        var deployments: [YAMLValue] = []
        for component in plan.components {
            let name = serviceNames[component.id]!
            var environment = environments[component.id] ?? [:]
            var env: [YAMLValue] = []
            // `$` is doubled in literal values: Kubernetes reads $(NAME) in them as a reference.
            func literal(_ value: String) -> YAMLValue { .string(value.replacingOccurrences(of: "$", with: "$$")) }
            if component.id == Self.discoveryID {
                env.append(.map(["name": .string("POD_NAME"), "valueFrom": .map(["fieldRef": .map(["fieldPath": .string("metadata.name")])])]))
                env.append(.map(["name": .string("ZOWE_EXPLORER_HOST"), "value": .string("$(POD_NAME).\(headless).\(domain)")]))
            } else {
                env.append(.map(["name": .string("ZOWE_EXPLORER_HOST"), "value": literal("\(name).\(domain)")]))
            }
            env.append(.map(["name": .string("ZOWE_IP_ADDRESS"), "valueFrom": .map(["fieldRef": .map(["fieldPath": .string("status.podIP")])])]))
            for key in shared.keys { environment[key] = nil }
            for key in environment.keys.sorted() {
                env.append(.map(["name": .string(key), "value": literal(environment[key]!)]))
            }
            for (variable, secretKey) in (secretReferences[component.id] ?? [:]).sorted(by: { $0.key < $1.key }) {
                env.append(.map(["name": .string(variable), "valueFrom": .map([
                    "secretKeyRef": .map(["name": .string(Self.secretName), "key": .string(secretKey)]),
                ])]))
            }
            // The root file system is read-only: the workspace and /tmp are the pod's own.
            var mounts: [YAMLValue] = [
                .map(["name": .string("instance"), "mountPath": .string(options.instanceDirectory)]),
                .map(["name": .string("tmp"), "mountPath": .string("/tmp")]),
                .map(["name": .string("keystore"), "mountPath": .string(mapped(keystoreDirectory)), "readOnly": .bool(true)]),
            ]
            if let usersFile {
                mounts.append(.map(["name": .string("users"), "mountPath": .string(usersFile.path), "subPath": .string(usersFile.key), "readOnly": .bool(true)]))
            }
            let containerSecurity = YAMLValue.map([
                "allowPrivilegeEscalation": .bool(false), "readOnlyRootFilesystem": .bool(true),
                "capabilities": .map(["drop": .list([.string("ALL")])]),
            ])
            func container(_ containerName: String, script: String) -> [YAMLEntry] {
                [
                    YAMLEntry("name", .string(containerName)),
                    YAMLEntry("image", .string(options.image)),
                    YAMLEntry("imagePullPolicy", .string("IfNotPresent")),
                    YAMLEntry("command", .list([literal(mapped(script))])),
                    YAMLEntry("workingDir", .string(mapped(component.directory))),
                    YAMLEntry("envFrom", .list([.map(["configMapRef": .map(["name": .string(Self.configMapName)])])])),
                    YAMLEntry("env", .list(env)),
                ]
            }
            var main = container(name, script: component.startScript ?? "\(component.directory)/bin/start.sh")
            if let port = component.port {
                main.append(YAMLEntry("ports", .list([.map(["name": .string("https"), "containerPort": .int(port), "protocol": .string("TCP")])])))
                if let path = component.healthPath {
                    let check = YAMLValue.map(["path": .string(path), "port": .string("https"), "scheme": .string("HTTPS")])
                    // Start-up gets the launcher's ready timeout; afterwards the usual watch.
                    let period = 2
                    main.append(YAMLEntry("startupProbe", .map([
                        "httpGet": check, "periodSeconds": .int(period), "timeoutSeconds": .int(2),
                        "failureThreshold": .int(max(1, (component.readyTimeout + period - 1) / period)),
                    ])))
                    main.append(YAMLEntry("readinessProbe", .map([
                        "httpGet": check, "periodSeconds": .int(10), "timeoutSeconds": .int(2), "failureThreshold": .int(3),
                    ])))
                    // The launcher's own liveness settings (ZWE_LIVENESS_*), so that a hung
                    // component is restarted alike in both places.
                    main.append(YAMLEntry("livenessProbe", .map([
                        "httpGet": check, "periodSeconds": .int(component.liveness.period),
                        "timeoutSeconds": .int(component.liveness.timeout),
                        "failureThreshold": .int(component.liveness.failureThreshold),
                    ])))
                }
            }
            main.append(YAMLEntry("volumeMounts", .list(mounts)))
            main.append(YAMLEntry("securityContext", containerSecurity))

            var podSpec: [YAMLEntry] = [
                YAMLEntry("enableServiceLinks", .bool(false)),
                YAMLEntry("terminationGracePeriodSeconds", .int(component.shutdownTimeout)),
                YAMLEntry("securityContext", .map([
                    "runAsNonRoot": .bool(true), "runAsUser": .int(options.userID), "runAsGroup": .int(options.userID),
                    "fsGroup": .int(options.userID),
                ])),
            ]
            if let configure = component.configureScript {
                var step = container("configure", script: configure)
                step.append(YAMLEntry("volumeMounts", .list(mounts)))
                step.append(YAMLEntry("securityContext", containerSecurity))
                podSpec.append(YAMLEntry("initContainers", .list([.map(step)])))
            }
            podSpec.append(YAMLEntry("containers", .list([.map(main)])))
            var volumes: [YAMLValue] = [
                .map(["name": .string("instance"), "emptyDir": .map([])]),
                .map(["name": .string("tmp"), "emptyDir": .map([])]),
                .map(["name": .string("keystore"), "secret": .map([
                    "secretName": .string(Self.secretName), "defaultMode": .int(0o440), "items": .list(secretItems),
                ])]),
            ]
            if let usersFile {
                volumes.append(.map(["name": .string("users"), "secret": .map([
                    "secretName": .string(Self.secretName), "defaultMode": .int(0o440),
                    "items": .list([.map(["key": .string(usersFile.key), "path": .string(usersFile.key)])]),
                ])]))
            }
            podSpec.append(YAMLEntry("volumes", .list(volumes)))
            let template = YAMLValue.map(["metadata": .map(["labels": labels(component.id)]), "spec": .map(podSpec)])

            if component.id == Self.discoveryID {
                statefulSets.append(.map([
                    "apiVersion": .string("apps/v1"), "kind": .string("StatefulSet"),
                    "metadata": metadata(name, component: component.id),
                    "spec": .map([
                        "serviceName": .string(headless), "replicas": .int(max(1, options.discoveryReplicas)),
                        "podManagementPolicy": .string("Parallel"),
                        "selector": .map(["matchLabels": selector(component.id)]), "template": template,
                    ]),
                ]))
            } else {
                deployments.append(.map([
                    "apiVersion": .string("apps/v1"), "kind": .string("Deployment"),
                    "metadata": metadata(name, component: component.id),
                    "spec": .map(["replicas": .int(1), "selector": .map(["matchLabels": selector(component.id)]), "template": template]),
                ]))
            }
            if let port = component.port {
                let ports = YAMLValue.list([.map(["name": .string("https"), "port": .int(port), "targetPort": .string("https"), "protocol": .string("TCP")])])
                services.append(.map([
                    "apiVersion": .string("v1"), "kind": .string("Service"), "metadata": metadata(name, component: component.id),
                    "spec": .map(["type": .string("ClusterIP"), "selector": selector(component.id), "ports": ports]),
                ]))
                if component.id == Self.discoveryID {
                    services.append(.map([
                        "apiVersion": .string("v1"), "kind": .string("Service"), "metadata": metadata(headless, component: component.id),
                        "spec": .map([
                            "clusterIP": .string("None"), "publishNotReadyAddresses": .bool(true),
                            "selector": selector(component.id), "ports": ports,
                        ]),
                    ]))
                }
            }
        }

        var files = [
            File(name: "00-namespace.yaml", documents: [namespaceDocument], holdsSecret: false),
            File(name: "10-secret.yaml", documents: [secretDocument], holdsSecret: true),
            File(name: "20-configmap.yaml", documents: [configMapDocument], holdsSecret: false),
        ]
        if !services.isEmpty { files.append(File(name: "30-services.yaml", documents: services, holdsSecret: false)) }
        if !statefulSets.isEmpty { files.append(File(name: "40-statefulsets.yaml", documents: statefulSets, holdsSecret: false)) }
        if !deployments.isEmpty { files.append(File(name: "50-deployments.yaml", documents: deployments, holdsSecret: false)) }
        self.files = files
        self.warnings = warnings
    }

    // MARK: - Helpers

    /// Why `name` is not a DNS label (RFC 1123; RFC 1035 when it must start with a letter), or nil.
    static func labelProblem(_ name: String, mustStartWithLetter: Bool) -> String? {
        if name.isEmpty || name.utf8.count > 63 { return "it must be 1 to 63 characters long" }
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        if !allowed { return "only lower-case letters, digits and '-' are allowed" }
        if mustStartWithLetter, !(name.first!.isLetter) { return "it must start with a letter" }
        if name.hasPrefix("-") || name.hasSuffix("-") { return "it must start and end with a letter or digit" }
        return nil
    }

    static func isSecretKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 253 && key != "." && key != ".."
            && key.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    /// Regular files below `root` as sorted relative paths, symbolic links followed (the
    /// setup publishes its files through links into a hidden folder); hidden names (that
    /// folder, a lock) are left out.
    static func files(under root: String) -> [String] {
        var found: [String] = []
        func walk(_ relative: String, depth: Int) {
            let folder = relative.isEmpty ? root : root + "/" + relative
            guard depth < 16, let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
            for name in names where !name.hasPrefix(".") {
                let path = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard stat(root + "/" + path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFREG: found.append(path)
                case S_IFDIR: walk(path, depth: depth + 1)
                default: break
                }
            }
        }
        walk("", depth: 0)
        return found.sorted()
    }
}
