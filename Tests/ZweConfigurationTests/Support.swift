import Foundation
import Testing
import ZweConfiguration
import ZweMessages
import ZweTestSupport

/// The environment the table tests parse against.
let testEnvironment = [
    "HOME": "/home/zowe",
    "FROM_ENV": "environment value",
    "EMPTY_ENV": "",
]

func parse(_ text: String, environment: [String: String] = testEnvironment) throws(Diagnostic) -> EnvFile {
    try EnvFile.parse(text, path: "t.env", environment: environment)
}

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/zwe-envfile-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Sources `text` with /bin/sh in exactly `environment` and returns the bytes of each key's
/// value, in order.
func valuesFromShell(_ text: String, keys: [String], environment: [String: String]) throws -> [[UInt8]] {
    precondition(!keys.isEmpty)
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let file = try directory.write("source.env", Array(text.utf8))
    // NUL separators: the one byte no value can hold.
    let script = ". \"$1\" && printf '%s\\0' " + keys.map { "\"$\($0)\"" }.joined(separator: " ")

    let process = try ChildProcess("/bin/sh", ["-c", script, "sh", file], environment: environment, directory: directory.path,
                                   stdout: directory.path + "/values", stderr: directory.path + "/errors")
    process.waitUntilExit()
    let outputData = FileManager.default.contents(atPath: directory.path + "/values") ?? Data()
    let errorData = FileManager.default.contents(atPath: directory.path + "/errors") ?? Data()

    #expect(process.terminationStatus == 0, "sh failed: \(String(decoding: errorData, as: UTF8.self))")
    #expect(errorData.isEmpty, "sh wrote to stderr: \(String(decoding: errorData, as: UTF8.self))")
    var values = outputData.split(separator: 0, omittingEmptySubsequences: false).map { Array($0) }
    // printf ends every value with NUL, so the split leaves one empty piece after the last.
    if values.last?.isEmpty == true { values.removeLast() }
    return values
}

/// SplitMix64: a small seeded generator, so that the random round-trip values are the same
/// on every run and a failure can be reproduced.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
