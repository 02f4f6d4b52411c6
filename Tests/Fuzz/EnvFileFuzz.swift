// libFuzzer harness for the env-file reader. Each input, read as UTF-8 (invalid sequences
// replaced, as `EnvFile.load` never passes them on), goes to `EnvFile.parse` against a fixed
// environment. A failure is anything but a parsed file or a thrown `Diagnostic`: a trap, an
// address error, a hang, or one of these broken promises: parsing the same text twice gives
// a different outcome; a parsed file holds a key that is not a shell name, lines out of order
// or beyond the text, or came from text with a NUL byte; a lookup disagrees with the entries
// (the last assignment wins); a diagnostic is not an env-file message (ZWEL1...) or points
// at no line of the text. scripts/fuzz.sh compiles it with the reader's sources into one
// module named ZweConfiguration, so that it sees what the package's tests see.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ZweMessages

/// `HOME` lets `~` expand; `SPACED` is text that `export A=$SPACED` must refuse.
private let fuzzEnvironment = [
    "HOME": "/home/zowe", "ROOT_DIR": "/opt/zowe", "EMPTY": "", "SPACED": "a b*",
]
private let fuzzPath = "/fuzz/instance.env"

@_cdecl("LLVMFuzzerTestOneInput")
public func envFileFuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let first = Result { () throws(Diagnostic) -> EnvFile in
        try EnvFile.parse(text, path: fuzzPath, environment: fuzzEnvironment)
    }
    let second = Result { () throws(Diagnostic) -> EnvFile in
        try EnvFile.parse(text, path: fuzzPath, environment: fuzzEnvironment)
    }
    let lineCount = text.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }

    switch (first, second) {
    case (.success(let file), .success(let again)):
        fuzzCheck(file.entries == again.entries, "the same text parsed to different entries")
        fuzzCheck(!text.utf8.contains(0), "text with a NUL byte was accepted")
        var previousLine = 0
        for entry in file.entries {
            fuzzCheck(isShellName(entry.key), "key \(entry.key.debugDescription) is not a shell name")
            fuzzCheck(entry.line > previousLine && entry.line <= lineCount, "entry line \(entry.line) out of order or range")
            previousLine = entry.line
        }
        for (key, value) in file.values {
            let winner = file.entries.last { $0.key == key }
            fuzzCheck(file[key] == value && winner?.value == value, "lookup of \(key) is not the last assignment")
            fuzzCheck(file.entry(for: key) == winner, "entry(for: \(key)) is not the last assignment")
            fuzzCheck(file.location(of: key) == "\(fuzzPath):\(winner!.line)", "location of \(key) is wrong")
        }
        fuzzCheck(Set(file.entries.map(\.key)) == Set(file.values.keys), "values lost or invented a key")
    case (.failure(let error), .failure(let again)):
        fuzzCheck(error == again, "the same text failed with different diagnostics")
        fuzzCheck(error.id.hasPrefix("ZWEL1"), "\(error.id) is not an env-file message")
        let location = error.location ?? ""
        fuzzCheck(location.hasPrefix(fuzzPath + ":"), "diagnostic location \(location.debugDescription) names no line")
        let numbers = location.dropFirst(fuzzPath.count + 1).split(separator: ":").map { Int($0) }
        fuzzCheck(numbers.count == 2, "diagnostic location \(location.debugDescription) is not path:line:column")
        fuzzCheck((1...lineCount).contains(numbers[0] ?? 0), "diagnostic line \(location) is outside the text")
        fuzzCheck((numbers[1] ?? 0) >= 1, "diagnostic column in \(location) is not positive")
        // The text a user would see, with values taken from the input.
        _ = error.explained
    default:
        fuzzCheck(false, "the same text both parsed and failed")
    }
    return 0
}

private func isShellName(_ key: String) -> Bool {
    func isStart(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || byte == UInt8(ascii: "_")
    }
    guard let first = key.utf8.first, isStart(first) else { return false }
    return key.utf8.allSatisfy { isStart($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
}
