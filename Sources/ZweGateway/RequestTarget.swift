// The request target as the gateway reads it before routing: path and query split, dot
// segments resolved, encodings refused, segments compared. These are byte-level functions of
// the target alone, kept apart from the route table and free of NIO so that they can be
// compiled and fuzzed on their own (Tests/Fuzz/GatewayPathFuzz.swift).

extension RouteTable {
    /// Case-insensitive for ASCII letters, without making lower-case copies.
    static func equalIgnoringASCIICase(_ left: Substring, _ right: Substring) -> Bool {
        guard left.utf8.count == right.utf8.count else { return false }
        return zip(left.utf8, right.utf8).allSatisfy { $0 == $1 || (lower($0) == lower($1) && isLetter($0)) }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    static func split(_ target: String) -> (path: Substring, query: Substring?) {
        // By bytes: `?` is ASCII, and a search by characters would segment graphemes.
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (Substring(target), nil) }
        return (target[..<mark], target[target.utf8.index(after: mark)...])
    }

    /// The path's segments with `.` and `..` resolved (RFC 3986 5.2.4), so that no path can
    /// climb out of a service's prefix. A trailing slash stays as an empty last segment.
    static func removingDotSegments(_ path: Substring) -> [Substring] {
        // By bytes: `/` and `.` are ASCII, so every cut is on a character boundary.
        let bytes = path.utf8
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var start = bytes.startIndex
        while start < bytes.endIndex, bytes[start] == slash { start = bytes.index(after: start) }
        guard start < bytes.endIndex else { return [] }
        var output: [Substring] = []
        output.reserveCapacity(8)
        while true {
            let end = bytes[start...].firstIndex(of: slash) ?? bytes.endIndex
            let last = end == bytes.endIndex
            let segment = bytes[start..<end]
            if segment.count == 1, segment.first == dot {
                if last { output.append("") }
            } else if segment.count == 2, segment.allSatisfy({ $0 == dot }) {
                if !output.isEmpty { output.removeLast() }
                if last { output.append("") }
            } else {
                output.append(Substring(segment))
            }
            if last { break }
            start = bytes.index(after: end)
        }
        return output
    }

    /// Encoded characters that would change the route once a service decodes them: `/`, `.`,
    /// `\`, `;` and `%` itself (double encoding).
    static func hasProhibitedEncoding(_ path: Substring) -> Bool {
        if let found = path.utf8.withContiguousStorageIfAvailable({ hasProhibitedEncoding($0) }) { return found }
        return Array(path.utf8).withUnsafeBufferPointer { hasProhibitedEncoding($0) }
    }

    private static func hasProhibitedEncoding(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\\") { return true }
            guard byte == UInt8(ascii: "%"), index + 2 < bytes.count else { continue }
            switch (bytes[index + 1], upper(bytes[index + 2])) {
            case (UInt8(ascii: "2"), UInt8(ascii: "F")), (UInt8(ascii: "2"), UInt8(ascii: "E")),
                 (UInt8(ascii: "5"), UInt8(ascii: "C")), (UInt8(ascii: "3"), UInt8(ascii: "B")),
                 (UInt8(ascii: "2"), UInt8(ascii: "5")):
                return true
            default:
                continue
            }
        }
        return false
    }

    private static func upper(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 32 : byte
    }
}
