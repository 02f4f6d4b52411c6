import Foundation

/// Finds the Zowe runtime directory (ROOT_DIR): a folder whose `manifest.json` says
/// `"name": "Zowe"`. "The runtime the program belongs to" is the installed runtime that holds
/// the program's `bin/`, or the `runtime-stub` of the source tree whose `.build` holds it.
public enum RuntimeDirectory {
    public static func isRuntime(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path + "/manifest.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["name"] as? String == "Zowe"
    }

    /// The runtime of the running program, found from `/proc/self/exe`.
    public static func ofRunningProgram() -> String? {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        return containing(executable: executable)
    }

    static func containing(executable: String) -> String? {
        var folder = (executable as NSString).deletingLastPathComponent
        while folder != "/" && !folder.isEmpty {
            if isRuntime(folder) { return folder }
            if isRuntime(folder + "/runtime-stub") { return folder + "/runtime-stub" }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return nil
    }
}
