// The regular expressions of `pattern` and `patternProperties`. JSON Schema writes them in
// ECMA-262 syntax; they run here on Swift Regex after a small translation of what the two
// dialects read differently: inside a character class ECMA takes `[` and the doubled `--`,
// `&&` and `~~` literally, where Swift Regex reads nested classes and set operations. `\d` and
// `\w` stay ASCII as in ECMA, `$` matches only at the very end, and a match may start anywhere
// (JSON Schema patterns are not anchored unless they say `^`). Each pattern is compiled once.

struct SchemaPatterns {
    private var compiled: [String: Regex<AnyRegexOutput>] = [:]
    private var invalid: [String: String] = [:]

    /// Whether `text` contains a match of `pattern`; the reason when the pattern cannot be compiled.
    mutating func matches(_ pattern: String, _ text: String) -> Result<Bool, PatternFailure> {
        if let reason = invalid[pattern] { return .failure(PatternFailure(reason: reason)) }
        let regex: Regex<AnyRegexOutput>
        if let known = compiled[pattern] {
            regex = known
        } else {
            do {
                regex = try Regex(Self.translated(pattern))
                    .asciiOnlyDigits().asciiOnlyWordCharacters()
                    .anchorsMatchLineEndings(false)
                    .matchingSemantics(.unicodeScalar)
                compiled[pattern] = regex
            } catch {
                let reason = "the pattern \(pattern) is not a regular expression this validator reads (\(error))"
                invalid[pattern] = reason
                return .failure(PatternFailure(reason: reason))
            }
        }
        do {
            return .success(try regex.firstMatch(in: text) != nil)
        } catch {
            return .failure(PatternFailure(reason: "the pattern \(pattern) failed on the value (\(error))"))
        }
    }

    struct PatternFailure: Error {
        let reason: String
    }

    /// ECMA-262 syntax rewritten where Swift Regex would read it otherwise.
    static func translated(_ pattern: String) -> String {
        var output = ""
        var inClass = false
        var characters = Array(pattern)[...]
        while let character = characters.popFirst() {
            if character == "\\" {
                output.append(character)
                if let escaped = characters.popFirst() { output.append(escaped) }
                continue
            }
            if inClass {
                let next = characters.first
                switch character {
                case "]":
                    inClass = false
                    output.append(character)
                case "[":
                    output += "\\["
                case "-" where next == "-", "&" where next == "&", "~" where next == "~":
                    output += "\\" + String(character)
                default:
                    output.append(character)
                }
                continue
            }
            if character == "[" { inClass = true }
            output.append(character)
        }
        return output
    }
}
