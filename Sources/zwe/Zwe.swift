// The `zwe` program. The commands live in ZweCLI; this is only the entry point. The detached
// launcher (`zwe launcher-run`, started by `zwe start`) runs synchronously on the main thread
// and never touches Dispatch's thread pool (see LauncherProcess); every other command runs on
// the asynchronous path, as an `@main` AsyncParsableCommand would.
import ArgumentParser
import Dispatch
import Glibc
import ZweCLI

@main
enum Zwe {
    static func main() {
        if LauncherProcess.isRequested() { LauncherProcess.main() }
        Task { @MainActor in
            await Commands.main()
            exit(0)
        }
        dispatchMain()
    }
}

struct Commands: AsyncParsableCommand {
    static let configuration = ZweCommand.configuration
}
