// Puts the files of a component, given as a folder or an archive, into a staging folder:
// a folder is copied, a .zip is unpacked by the system `unzip` (Debian's unzip package), a
// .tar, .tar.gz, .tgz or .pax by the system `tar`. Both programs refuse members that would
// land outside the target (absolute or `..` paths); links that point out of the component
// are refused here as well, since a component's files are run by the instance.

import Foundation
import ZweProcess

enum ComponentArchive {
    struct Failure: Error {
        let reason: String
    }

    enum Kind {
        case folder, zip, tar
    }

    static let archiveSuffixes: [(String, Kind)] = [(".zip", .zip), (".tar", .tar), (".tar.gz", .tar), (".tgz", .tar), (".pax", .tar)]

    /// What `path` is; nil for a file whose name is no known archive.
    static func kind(of path: String) -> Kind? {
        if LaunchPlanner.isFolder(path) { return .folder }
        let lower = path.lowercased()
        return archiveSuffixes.first { lower.hasSuffix($0.0) }?.1
    }

    /// Fills `target` (which must not exist) with the component's files.
    static func unpack(_ source: String, kind: Kind, into target: String, environment: [String: String]) throws(Failure) {
        switch kind {
        case .folder:
            do {
                try FileManager.default.copyItem(atPath: source, toPath: target)
            } catch {
                throw Failure(reason: "copying \(source) failed (\(error.localizedDescription))")
            }
        case .zip, .tar:
            guard mkdir(target, 0o755) == 0 else { throw Failure(reason: "cannot create \(target): \(String(cString: strerror(errno)))") }
            let program = kind == .zip ? "unzip" : "tar"
            guard let executable = ScriptRunner.locate(program, path: environment["PATH"]) else {
                throw Failure(reason: "the program \(program) is not on PATH (Debian: apt-get install \(program))")
            }
            let arguments = kind == .zip ? ["-qq", source, "-d", target] : ["-x", "-f", source, "-C", target, "--no-same-owner"]
            let outcome: ScriptRunner.Outcome
            do {
                outcome = try ScriptRunner.run(program: executable, arguments: arguments,
                                               environment: ["PATH": environment["PATH"] ?? "/usr/bin:/bin", "LANG": "C"],
                                               directory: target, timeoutSeconds: 600)
            } catch {
                throw Failure(reason: "\(error)")
            }
            guard outcome.succeeded else {
                let said = outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
                throw Failure(reason: "\(program) ended with \(outcome.timedOut ? "a time-out" : outcome.status)\(said.isEmpty ? "" : ": " + said)")
            }
        }
        try checkLinks(in: target)
    }

    /// The folder that holds the manifest: the target itself, or its only folder (an archive
    /// made of the component's folder rather than of its contents).
    static func contentRoot(_ target: String) -> String {
        if ComponentManifest.fileNames.contains(where: { FileManager.default.fileExists(atPath: "\(target)/\($0)") }) { return target }
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []).filter { $0 != "__MACOSX" }
        if entries.count == 1, LaunchPlanner.isFolder("\(target)/\(entries[0])") { return "\(target)/\(entries[0])" }
        return target
    }

    /// Symbolic links must stay inside the component.
    private static func checkLinks(in root: String) throws(Failure) {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return }
        while let relative = walker.nextObject() as? String {
            let path = "\(root)/\(relative)"
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { continue }
            let base = (path as NSString).deletingLastPathComponent
            let resolved = LaunchPlanner.normalise(target, relativeTo: base)
            if target.hasPrefix("/") || !(resolved == root || resolved.hasPrefix(root + "/")) {
                throw Failure(reason: "\(relative) is a link to \(target), outside the component")
            }
        }
    }
}
