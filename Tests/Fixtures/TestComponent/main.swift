// zwe-test-component: a test fixture, not a product. A component on the real runtime whose
// misbehaviour the launcher's tests switch on through its environment (so that a start script
// can set it): crash after a delay, ignore SIGTERM, flood stdout, or never listen.

import Foundation
import ZweComponentRuntime
import ZweMessages

let environment = ProcessInfo.processInfo.environment
let id = environment["ZWE_COMPONENT_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? "test-component"

func flag(_ name: String) -> Bool { environment[name]?.lowercased() == "true" }

func number(_ name: String, default fallback: Int? = nil) -> Int? {
    guard let text = environment[name], !text.isEmpty else { return fallback }
    guard let value = Int(text), value >= 0 else {
        ComponentMain.fail(Diagnostic(MessageCatalog.runtimeVariableInvalid, [
            "component": id, "name": name, "value": text, "expected": "a whole number, 0 or more",
        ]))
    }
    return value
}

func writeAll(_ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { return }
        offset += written
    }
}

/// `line 1` .. `line N`, padded with 'x' to `width` bytes. Batched into large writes for speed,
/// or, with `fragmented`, every digit in a write of its own so that readers see partial lines.
func flood(lines: Int, width: Int?, fragmented: Bool) {
    var batch: [UInt8] = []
    for n in 1...max(lines, 1) where lines > 0 {
        let text = "line \(n)"
        let padding = width.map { max($0 - text.utf8.count - 1, 0) } ?? 0
        let line = Array(text.utf8) + (padding > 0 ? [UInt8(ascii: " ")] + Array(repeating: UInt8(ascii: "x"), count: padding) : [])
        if fragmented {
            writeAll(Array("line ".utf8))
            for byte in line.dropFirst(5) { writeAll([byte]) }
            writeAll([UInt8(ascii: "\n")])
        } else {
            batch += line
            batch.append(UInt8(ascii: "\n"))
            if batch.count >= 64 * 1024 {
                writeAll(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
    }
    writeAll(batch)
}

ComponentMain.prepareProcess()

if let delay = number("TEST_COMPONENT_CRASH_AFTER_MS") {
    let status = Int32(truncatingIfNeeded: number("TEST_COMPONENT_CRASH_STATUS", default: 3) ?? 3)
    DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay)) { exit(status) }
}
if flag("TEST_COMPONENT_IGNORE_SIGTERM") {
    signal(SIGTERM, SIG_IGN)
}
if let lines = number("TEST_COMPONENT_FLOOD_LINES") {
    let size = environment["TEST_COMPONENT_FLOOD_BYTES_PER_LINE"] ?? ""
    flood(lines: lines, width: size == "one-byte" ? nil : number("TEST_COMPONENT_FLOOD_BYTES_PER_LINE"),
          fragmented: size == "one-byte")
}
if flag("TEST_COMPONENT_NOT_READY") {
    // Alive and stoppable, but never listening: a component that hangs in its start-up.
    if !flag("TEST_COMPONENT_IGNORE_SIGTERM") {
        signal(SIGTERM) { _ in _exit(0) }
    }
    signal(SIGINT) { _ in _exit(0) }
    while true { pause() }
}

let portVariable = environment["TEST_COMPONENT_PORT_VARIABLE"].flatMap { $0.isEmpty ? nil : $0 } ?? "TEST_COMPONENT_PORT"
await ComponentMain.run(ComponentSpec(id: id, portVariable: portVariable)) { server in
    // A request that is still in flight when SIGTERM comes, for the graceful-stop tests.
    server.router.get("/test/sleep/{ms}") { _, context in
        let ms = context.parameters.get("ms", as: Int.self) ?? 0
        try await Task.sleep(for: .milliseconds(ms))
        return "slept \(ms) ms"
    }
    if flag("TEST_COMPONENT_IGNORE_SIGTERM") {
        server.shutdownSignals = [.sigint]
    }
}
