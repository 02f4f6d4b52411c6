// Messages of `zwe export`: Kubernetes manifests and systemd units made from an instance
// (ZWEL2120-2149).

extension MessageCatalog {
    public static let exportInstanceInvalid = MessageDefinition(
        "ZWEL2120E", "The instance {dir} cannot be exported: its configuration has {count} errors",
        cause: "The export reads the instance as 'zwe start' does; the errors listed above stop a start, and would stop the exported one too.",
        fix: "Correct them ('zwe validate -c {dir}' lists every finding with its fix), then export again.")
    public static let exportKeyringUnsupported = MessageDefinition(
        "ZWEL2121E", "The instance {dir} keeps its certificates in the key ring {store}, which cannot be put into a Kubernetes Secret",
        cause: "A Secret carries files; a key ring lives in the simulated SAF database of this host (ZWE_SAF_DIR), which pods cannot reach.",
        fix: "Make a keystore directory of PKCS#12 stores ('zwe init certificate -p FILE.env' without ZOWE_KEYRING) and point KEYSTORE_DIRECTORY at it.")
    public static let exportFileUnreadable = MessageDefinition(
        "ZWEL2122E", "{path} cannot be read for the export: {reason}",
        cause: "Every file of the keystore directory (and the users file, when one is set) goes into the Secret; one that cannot be read would leave the pods without it.",
        fix: "Run the export as a user that may read the keystore directory (its owner, or a member of its group when ZOWE_LOCK_KEYSTORE=false).")
    public static let exportSecretTooLarge = MessageDefinition(
        "ZWEL2123E", "The Secret {name} would hold {bytes} bytes; Kubernetes accepts at most 1048576",
        cause: "The keystore directory holds more data than one Secret can carry.",
        fix: "Remove files that do not belong to the keystore directory from {dir}, or point KEYSTORE_DIRECTORY at a folder that holds only what 'zwe init certificate' writes.")
    public static let exportNameInvalid = MessageDefinition(
        "ZWEL2124E", "{what} '{value}' cannot be used as a Kubernetes name: {reason}",
        cause: "Kubernetes names of Services, workloads and namespaces are DNS labels: at most 63 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit.",
        fix: "Choose another value (for a component, its id in manifest.yaml names its Service).")
    public static let exportWriteFailed = MessageDefinition(
        "ZWEL2125E", "{path} cannot be written: {reason}",
        cause: "The output folder or file cannot be created or replaced; nothing was left half-written.",
        fix: "Choose an output path in a folder this user may write, or free space on its file system.")
    public static let exportClusterNamesMissing = MessageDefinition(
        "ZWEL2126W", "The certificate {certificate} does not name {names}, the cluster names of {components}",
        cause: "Inside the cluster the components call each other by these names; with VERIFY_CERTIFICATES=true every such call fails the host name check, and discovery's pods are not reachable under a name the certificate covers.",
        fix: "Add {hostnames} to HOSTNAME in the setup file of the keystore directory and run 'zwe certificate renew -p FILE.env' (keeps the local CA) or 'zwe init certificate -p FILE.env', then export again.")
    public static let exportWritten = MessageDefinition(
        "ZWEL2127I", "{what} for {dir} written to {path}",
        cause: "The files are complete; a file holding the Secret is readable by its owner only.",
        fix: "No action needed.")
    public static let exportSecretToTerminal = MessageDefinition(
        "ZWEL2128E", "The manifests hold the keystore Secret and its passwords; they are not printed to a terminal",
        cause: "Without -o the manifests go to standard output, which is a terminal here.",
        fix: "Give -o DIR to write files (the Secret's file owner-only), or pipe the output into 'kubectl apply -f -'.")
    public static let exportOptionInvalid = MessageDefinition(
        "ZWEL2129E", "{option} '{value}' is not valid: {reason}",
        cause: "The value cannot be written into the exported files as it is.",
        fix: "Give {option} {expected}.")
    public static let exportComponentOutsideRuntime = MessageDefinition(
        "ZWEL2130W", "Component {id} lives outside the runtime directory, at {path}",
        cause: "The image holds the runtime directory; a component from elsewhere is started from the same path inside the container.",
        fix: "Build the image with the component folder at {path}, or move the component into the runtime's components folder.")

    static let exportMessages: [MessageDefinition] = [
        exportInstanceInvalid, exportKeyringUnsupported, exportFileUnreadable, exportSecretTooLarge, exportNameInvalid,
        exportWriteFailed, exportClusterNamesMissing, exportWritten, exportSecretToTerminal, exportOptionInvalid,
        exportComponentOutsideRuntime,
    ]
}
