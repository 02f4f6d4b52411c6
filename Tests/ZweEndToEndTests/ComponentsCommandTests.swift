// `zwe components install|upgrade|enable|disable -c zowe.yaml` with the built zwe: a runtime
// component switched on and off (for the instance and for one HA instance), components
// installed from a folder, a .zip and a .tar.gz into the extension directory, an upgrade, and
// the refusals (not found, already installed, a damaged archive) leaving files as they were.

import Foundation
import Testing
import ZweConfiguration
import ZweTestSupport

@Suite("zwe components, end to end")
struct ComponentsCommandTests {
    /// A zowe.yaml whose runtime is this source tree's runtime-stub.
    func configuration(_ scratch: TemporaryDirectory) -> String {
        scratch.write("zowe.yaml", """
            # the instance
            zowe:
              runtimeDirectory: \(Harness.runtime)
              extensionDirectory: \(scratch.path)/extensions   # installed components
            components:
              # the gateway, on by default
              gateway:
                enabled: true   # keep this comment
                port: 7554
            haInstances:
              lpar1:
                hostname: lpar1.example.test

            """)
    }

    /// A component folder with a manifest and a start script.
    func componentFolder(_ scratch: TemporaryDirectory, _ id: String, version: String = "1.0.0", under parent: String = "src") -> String {
        _ = scratch.write("\(parent)/\(id)/manifest.yaml", "name: \(id)\nid: \(id)\nversion: \(version)\ncommands:\n  start: bin/start.sh\n")
        _ = scratch.write("\(parent)/\(id)/bin/start.sh", "#!/bin/sh\necho started\n")
        return scratch.path + "/\(parent)/\(id)"
    }

    @Test("enable and disable set components.<id>.enabled, or the HA instance's, keeping the file's comments")
    func enableAndDisable() throws {
        let scratch = TemporaryDirectory()
        let yaml = configuration(scratch)
        let off = try Harness.zwe(["components", "disable", "-o", "gateway", "-c", yaml])
        #expect(off.status == 0 && off.stdout.contains("ZWEL2233I components.gateway.enabled is now false (it was true)"), "\(off)")
        var text = try String(contentsOfFile: yaml, encoding: .utf8)
        #expect(text.contains("    enabled: false   # keep this comment\n") && text.contains("  # the gateway, on by default\n"), "\(text)")

        let on = try Harness.zwe(["components", "enable", "--component", "gateway", "-c", yaml])
        #expect(on.status == 0, "\(on)")
        #expect(try ZoweConfig.load(paths: [yaml], environment: [:]).bool("components.gateway.enabled") == true)

        let ha = try Harness.zwe(["components", "disable", "-o", "discovery", "-c", yaml, "--ha-instance", "lpar1"])
        #expect(ha.status == 0, "\(ha)")
        let config = try ZoweConfig.load(paths: [yaml], environment: [:])
        #expect(config.bool("haInstances.lpar1.components.discovery.enabled") == false)
        #expect(config.string("haInstances.lpar1.hostname") == "lpar1.example.test")
        text = try String(contentsOfFile: yaml, encoding: .utf8)
        #expect(text.hasSuffix("haInstances:\n  lpar1:\n    hostname: lpar1.example.test\n    components:\n      discovery:\n        enabled: false\n"), "\(text)")
    }

    @Test("A component that is neither in the runtime nor in the extension directory: ZWEL0152E, the file unchanged")
    func notFound() throws {
        let scratch = TemporaryDirectory()
        let yaml = configuration(scratch)
        let before = try #require(FileManager.default.contents(atPath: yaml))
        let result = try Harness.zwe(["components", "enable", "-o", "no-such-component", "-c", yaml])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("ZWEL0152E Cannot find component no-such-component."), "\(result)")
        #expect(result.stderr.contains("\(Harness.runtime)/components") && result.stderr.contains("\(scratch.path)/extensions"), "\(result)")
        #expect(FileManager.default.contents(atPath: yaml) == before)
    }

    @Test("install -o FOLDER copies it to <extensionDirectory>/<id> and enables it; a second install is refused; upgrade replaces it")
    func installFolderAndUpgrade() throws {
        let scratch = TemporaryDirectory()
        let yaml = configuration(scratch)
        let source = componentFolder(scratch, "sample-ext")
        let install = try Harness.zwe(["components", "install", "-o", source, "-c", yaml])
        #expect(install.status == 0, "\(install)")
        #expect(install.stdout.contains("ZWEL2232I Component sample-ext installed in \(scratch.path)/extensions"), "\(install)")
        let installed = scratch.path + "/extensions/sample-ext"
        #expect(FileManager.default.contents(atPath: installed + "/bin/start.sh") == Data("#!/bin/sh\necho started\n".utf8))
        #expect(try ZoweConfig.load(paths: [yaml], environment: [:]).bool("components['sample-ext'].enabled") == true)
        #expect(try String(contentsOfFile: yaml, encoding: .utf8).contains("  gateway:\n    enabled: true   # keep this comment\n    port: 7554\n  sample-ext:\n    enabled: true\n"))

        // Found in the extension directory by enable and disable.
        #expect(try Harness.zwe(["components", "disable", "-o", "sample-ext", "-c", yaml]).status == 0)

        let yamlBefore = try #require(FileManager.default.contents(atPath: yaml))
        let treeBefore = treeFingerprint(scratch.path + "/extensions")
        let again = try Harness.zwe(["components", "install", "-o", source, "-c", yaml])
        #expect(again.status == 1 && again.stderr.contains("ZWEL0155E Component sample-ext already exists in \(scratch.path)/extensions."), "\(again)")
        #expect(FileManager.default.contents(atPath: yaml) == yamlBefore)
        #expect(treeFingerprint(scratch.path + "/extensions") == treeBefore)

        let newer = componentFolder(scratch, "sample-ext", version: "2.0.0", under: "newer")
        let upgrade = try Harness.zwe(["components", "upgrade", "-o", newer, "-c", yaml])
        #expect(upgrade.status == 0 && upgrade.stdout.contains("upgraded"), "\(upgrade)")
        #expect(try String(contentsOfFile: installed + "/manifest.yaml", encoding: .utf8).contains("version: 2.0.0"))
        #expect(FileManager.default.contents(atPath: yaml) == yamlBefore, "upgrade leaves the configuration alone")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/extensions") == ["sample-ext"], "no staging folder is left")
    }

    @Test("install -o ARCHIVE: a .zip (made of the component's folder) and a .tar.gz (of its contents)")
    func installArchives() throws {
        let scratch = TemporaryDirectory()
        let yaml = configuration(scratch)
        _ = componentFolder(scratch, "zip-ext")
        let zip = scratch.path + "/zip-ext.zip"
        let zipped = try Harness.run("python3", ["-c", """
            import os, sys, zipfile
            with zipfile.ZipFile(sys.argv[1], "w") as archive:
                for folder, _, files in os.walk("zip-ext"):
                    for name in files:
                        archive.write(os.path.join(folder, name))
            """, zip], directory: scratch.path + "/src")
        #expect(zipped.status == 0, "\(zipped)")
        let fromZip = try Harness.zwe(["components", "install", "-o", zip, "-c", yaml])
        #expect(fromZip.status == 0, "\(fromZip)")
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/extensions/zip-ext/manifest.yaml"))
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/extensions/zip-ext/bin/start.sh"))

        let folder = componentFolder(scratch, "tar-ext")
        let tarball = scratch.path + "/tar-ext.tar.gz"
        let tarred = try Harness.run("tar", ["-czf", tarball, "-C", folder, "."])
        #expect(tarred.status == 0, "\(tarred)")
        let fromTar = try Harness.zwe(["components", "install", "--component-file", tarball, "-c", yaml, "--ha-instance", "lpar1"])
        #expect(fromTar.status == 0, "\(fromTar)")
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/extensions/tar-ext/bin/start.sh"))
        let config = try ZoweConfig.load(paths: [yaml], environment: [:])
        #expect(config.bool("components['zip-ext'].enabled") == true)
        #expect(config.bool("haInstances.lpar1.components['tar-ext'].enabled") == true)
        #expect(config.node("components['tar-ext']") == nil)
    }

    @Test("A damaged archive, a file that is no archive, a missing path and no extension directory: refused, nothing left behind")
    func refusedInstalls() throws {
        let scratch = TemporaryDirectory()
        let yaml = configuration(scratch)
        let before = try #require(FileManager.default.contents(atPath: yaml))
        let damaged = scratch.write("broken.zip", "this is not a zip file\n")
        let broken = try Harness.zwe(["components", "install", "-o", damaged, "-c", yaml])
        #expect(broken.status == 1 && broken.stderr.contains("ZWEL2231E Cannot install \(damaged): unzip ended with exit"), "\(broken)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/extensions").isEmpty, "no staging folder is left")

        let text = scratch.write("notes.txt", "hello\n")
        let wrongType = try Harness.zwe(["components", "install", "-o", text, "-c", yaml])
        #expect(wrongType.status == 1 && wrongType.stderr.contains("ZWEL0318E"), "\(wrongType)")
        let missing = try Harness.zwe(["components", "install", "-o", scratch.path + "/nothing", "-c", yaml])
        #expect(missing.status == 1 && missing.stderr.contains("ZWEL0313E Cannot find component file \(scratch.path)/nothing."), "\(missing)")
        let noManifest = scratch.write("empty/readme.txt", "no manifest here\n")
        let emptyFolder = (noManifest as NSString).deletingLastPathComponent
        let bare = try Harness.zwe(["components", "install", "-o", emptyFolder, "-c", yaml])
        #expect(bare.status == 1 && bare.stderr.contains("ZWEL1204E No manifest.yaml, manifest.yml or manifest.json in \(emptyFolder)"), "\(bare)")
        #expect(!bare.stderr.contains(".zwe-install"), "the message names the source, not the staging folder: \(bare)")
        #expect(FileManager.default.contents(atPath: yaml) == before)

        let bareYAML = scratch.write("bare.yaml", "zowe:\n  runtimeDirectory: \(Harness.runtime)\n")
        let noExtensions = try Harness.zwe(["components", "install", "-o", componentFolder(scratch, "x-ext"), "-c", bareYAML])
        #expect(noExtensions.status == 1 && noExtensions.stderr.contains("ZWEL0180E Zowe extension directory (zowe.extensionDirectory) is not defined in Zowe YAML configuration file. (\(bareYAML):2:3)"), "\(noExtensions)")
    }
}
