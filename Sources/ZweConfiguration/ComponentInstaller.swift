// `zwe components install|upgrade`: a component folder or archive put into
// `<zowe.extensionDirectory>/<id>` in one step. The files are first unpacked or copied into a
// staging folder inside the extension directory (the same file system, so that the final
// move is a rename), the manifest is read and checked there, and only then is the folder
// renamed to its id. A failure at any step removes the staging folder and leaves the
// extension directory as it was; install never replaces a component, upgrade does.

import Foundation
import ZweMessages

public struct ComponentInstaller: Sendable {
    public let places: ComponentPlaces
    public let environment: [String: String]

    public init(places: ComponentPlaces, environment: [String: String]) {
        self.places = places
        self.environment = environment
    }

    public enum Mode: Sendable {
        case install, upgrade
    }

    public struct Installed: Sendable {
        public var id: String
        public var directory: String
        public var manifest: ComponentManifest
    }

    /// - Parameter beforeMoving: called with the component's id once its files are staged and
    ///   its manifest read, before anything in the extension directory changes; what it throws
    ///   stops the install (the command checks there that the configuration can be updated).
    public func install(_ source: String, mode: Mode, workingDirectory: String,
                        beforeMoving: (String) throws(Diagnostic) -> Void = { _ in }) throws(Diagnostics) -> Installed {
        guard let extensions = places.extensionDirectory else {
            throw Diagnostics([Diagnostic(MessageCatalog.extensionDirectoryMissing, location: places.extensionLocation)])
        }
        let path = LaunchPlanner.normalise(source, relativeTo: workingDirectory)
        func failed(_ reason: String) -> Diagnostics {
            Diagnostics([Diagnostic(MessageCatalog.componentInstallFailed, ["source": path, "reason": reason], location: path)])
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw Diagnostics([Diagnostic(MessageCatalog.componentFileMissing, ["path": path], location: path)])
        }
        guard let kind = ComponentArchive.kind(of: path) else {
            throw Diagnostics([Diagnostic(MessageCatalog.componentFileType, ["path": path], location: path)])
        }
        guard extensions != "/" else { throw failed("the extension directory is the root directory (zowe.extensionDirectory at \(places.extensionLocation))") }
        if let runtime = places.runtimeComponents, extensions == runtime || extensions.hasPrefix((runtime as NSString).deletingLastPathComponent + "/") {
            throw failed("the extension directory \(extensions) is inside the runtime directory, which stays as it was installed")
        }
        do {
            try FileManager.default.createDirectory(atPath: extensions, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        } catch {
            throw failed("cannot create the extension directory \(extensions) (\(error.localizedDescription))")
        }

        let staging = "\(extensions)/.zwe-install-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(staging, 0o700) == 0 else { throw failed("cannot create \(staging): \(String(cString: strerror(errno)))") }
        defer { try? FileManager.default.removeItem(atPath: staging) }
        let unpacked = "\(staging)/files"
        do {
            try ComponentArchive.unpack(path, kind: kind, into: unpacked, environment: environment)
        } catch {
            throw failed(error.reason)
        }
        let root = ComponentArchive.contentRoot(unpacked)
        let manifest: ComponentManifest
        do {
            manifest = try ComponentManifest.load(componentDirectory: root)
        } catch {
            // The staging folder is gone when the user reads this: name the source instead.
            func named(_ text: String) -> String { text.replacingOccurrences(of: root, with: path) }
            throw Diagnostics(error.items.map { Diagnostic($0.definition, $0.values.mapValues(named), location: $0.location.map(named)) })
        }
        guard ComponentPlaces.isValidID(manifest.id) else {
            throw failed("the manifest's id '\(manifest.id)' cannot be a folder name")
        }
        let destination = "\(extensions)/\(manifest.id)"
        var existing = stat()
        let present = lstat(destination, &existing) == 0
        switch mode {
        case .install where present:
            throw Diagnostics([Diagnostic(MessageCatalog.componentAlreadyInstalled, ["id": manifest.id, "dir": extensions], location: destination)])
        case .upgrade where !present:
            throw Diagnostics([places.notFound(manifest.id)])
        default:
            break
        }
        do {
            try beforeMoving(manifest.id)
        } catch {
            throw Diagnostics([error])
        }
        chmod(root, 0o755)
        if present {
            // The old folder moves into the staging folder (removed with it), the new one takes
            // its name; should that fail, the old one is moved back.
            let previous = "\(staging)/previous"
            guard rename(destination, previous) == 0 else { throw failed("cannot move \(destination) aside: \(String(cString: strerror(errno)))") }
            guard rename(root, destination) == 0 else {
                let reason = String(cString: strerror(errno))
                rename(previous, destination)
                throw failed("cannot rename the new files to \(destination): \(reason)")
            }
        } else {
            guard rename(root, destination) == 0 else { throw failed("cannot rename the new files to \(destination): \(String(cString: strerror(errno)))") }
        }
        let folder = open(extensions, O_RDONLY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
        var installed = manifest
        installed.path = destination + "/" + (manifest.path as NSString).lastPathComponent
        return Installed(id: manifest.id, directory: destination, manifest: installed)
    }
}
