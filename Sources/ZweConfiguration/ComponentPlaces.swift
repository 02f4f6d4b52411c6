// Where the components of a Zowe v2 configuration are, as `zwe components` looks for them:
// `<zowe.runtimeDirectory>/components/<id>` (the runtime the program belongs to when the
// configuration names none), then `<zowe.extensionDirectory>/<id>`; and the configuration key
// that turns one on or off, for the whole instance or for one HA instance.

import Foundation
import ZweMessages

public struct ComponentPlaces: Sendable {
    /// `<runtime>/components`, when a runtime is known.
    public let runtimeComponents: String?
    /// zowe.extensionDirectory, absolute; nil when the configuration does not set it.
    public let extensionDirectory: String?
    /// Where zowe.extensionDirectory is written, for messages about it.
    public let extensionLocation: String

    public init(runtimeComponents: String?, extensionDirectory: String?, extensionLocation: String) {
        self.runtimeComponents = runtimeComponents
        self.extensionDirectory = extensionDirectory
        self.extensionLocation = extensionLocation
    }

    public init(_ config: ZoweConfig, workingDirectory: String, programRuntime: String? = RuntimeDirectory.ofRunningProgram()) {
        let runtime = config.string("zowe.runtimeDirectory").map { LaunchPlanner.normalise($0, relativeTo: workingDirectory) } ?? programRuntime
        self.init(runtimeComponents: runtime.map { $0 + "/components" },
                  extensionDirectory: config.string("zowe.extensionDirectory").map { LaunchPlanner.normalise($0, relativeTo: workingDirectory) },
                  extensionLocation: config.location("zowe.extensionDirectory"))
    }

    /// The folder of component `id`: the runtime's first, then the extension directory's.
    public func find(_ id: String) -> String? {
        guard Self.isValidID(id) else { return nil }
        for base in [runtimeComponents, extensionDirectory].compactMap({ $0 }) {
            let folder = "\(base)/\(id)"
            if LaunchPlanner.isFolder(folder) { return folder }
        }
        return nil
    }

    /// ZWEL0152E, naming both places looked in.
    public func notFound(_ id: String) -> Diagnostic {
        Diagnostic(MessageCatalog.configComponentNotFound, [
            "id": id, "searched": [runtimeComponents.map { "\($0)/\(id)" } ?? "no runtime directory known",
                                   extensionDirectory.map { "\($0)/\(id)" } ?? "zowe.extensionDirectory not set"].joined(separator: ", "),
        ], location: id)
    }

    /// A component id as a folder name: no path separators, not `.` or `..`.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id != "." && id != ".." && !id.contains("/") && !id.contains("\0") && id.utf8.count <= 255
    }

    /// `components.<id>.enabled`, or `haInstances.<ha>.components.<id>.enabled`.
    public static func enabledPath(_ id: String, haInstance: String?) -> ConfigPath {
        var steps: [ConfigPath.Step] = []
        if let haInstance { steps += [.key("haInstances"), .key(haInstance)] }
        return ConfigPath(steps: steps + [.key("components"), .key(id), .key("enabled")])
    }
}
