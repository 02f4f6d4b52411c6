// The `zwe` program. The commands live in ZweCLI; this is only the entry point, marked
// @main so that ArgumentParser runs the asynchronous commands on the async path.
import ArgumentParser
import ZweCLI

@main
struct Zwe: AsyncParsableCommand {
    static let configuration = ZweCommand.configuration
}
