import Foundation

// Zowe v2 manifests give a component's configuration defaults under `configs:`; a zowe.yaml's
// `components.<id>` goes over them, and components read the result as `ZWE_configs_*`. The
// section is read here as a located tree, apart from the keys the launcher acts on.

extension ComponentManifest {
    /// The manifest's `configs` section; nil when it has none or the file cannot be read again.
    public func configsNode() -> ConfigNode? {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(validating: data, as: UTF8.self),
              let parsed = try? YAMLDocument.parseDetailed(text, path: path) else { return nil }
        return ConfigNode.from(parsed, file: path)["configs"]
    }
}
