// libFuzzer harness for the gateway's reading of a request target (Sources/ZweGateway/
// RequestTarget.swift). Each input, read as UTF-8 (invalid sequences replaced, as NIO hands
// the gateway a String), is split into path and query, its dot segments resolved, and its
// encodings checked; its two halves are also compared as segments. A failure is a trap, an
// address error, a hang, or one of these broken promises: path and query do not give back the
// target; a resolved path holds a `.` or `..` segment (it could climb out of a service's
// prefix) or a `/` inside a segment, or changes a path that has no dot segments; the encoding
// check disagrees with a plain search for `\`, `%2F`, `%2E`, `%5C`, `%3B`, `%25` in any case;
// the case-blind comparison disagrees with comparing ASCII-lower-cased bytes. Route lookup
// (`RouteTable.resolve`) needs the registry types of ZweComponentRuntime and with them NIO,
// so it is left to GatewayTests. scripts/fuzz.sh compiles this file with RequestTarget.swift
// into one module named ZweGateway.

/// The real route table holds the registry and cannot be compiled without NIO; the functions
/// under test are static members of an extension of it, which only needs the name.
struct RouteTable {}

@_cdecl("LLVMFuzzerTestOneInput")
public func gatewayPathFuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let target = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    let (path, query) = RouteTable.split(target)
    fuzzCheck(!path.utf8.contains(UInt8(ascii: "?")), "the path keeps a '?'")
    fuzzCheck(String(path) + (query.map { "?" + $0 } ?? "") == target, "path and query do not give back the target")

    let segments = RouteTable.removingDotSegments(path)
    for segment in segments {
        fuzzCheck(segment != "." && segment != "..", "a dot segment survives in \(segments)")
        fuzzCheck(!segment.utf8.contains(UInt8(ascii: "/")), "a segment holds a '/' in \(segments)")
    }
    // Without dot segments, resolving only drops the leading slashes.
    let unrooted = path.utf8.drop { $0 == UInt8(ascii: "/") }
    let parts = unrooted.isEmpty ? [] : unrooted.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    if !parts.contains(where: { $0.elementsEqual(".".utf8) || $0.elementsEqual("..".utf8) }) {
        fuzzCheck(segments.map { Array($0.utf8) } == parts.map { Array($0) }, "a path without dot segments was changed: \(segments)")
    }

    let lowered = path.utf8.map(asciiLower)
    let prohibited = lowered.contains(UInt8(ascii: "\\"))
        || ["%2f", "%2e", "%5c", "%3b", "%25"].contains { lowered.contains(Array($0.utf8)) }
    fuzzCheck(RouteTable.hasProhibitedEncoding(path) == prohibited, "the encoding check says \(!prohibited) for \(path.debugDescription)")

    // The halves of the input as two segments, as a route's gateway URL meets a request's.
    let half = target.index(target.startIndex, offsetBy: target.count / 2)
    let (left, right) = (Substring(target)[..<half], Substring(target)[half...])
    fuzzCheck(RouteTable.equalIgnoringASCIICase(left, right) == left.utf8.map(asciiLower).elementsEqual(right.utf8.map(asciiLower)),
              "the case-blind comparison of \(left.debugDescription) and \(right.debugDescription)")
    fuzzCheck(RouteTable.equalIgnoringASCIICase(left, left), "a segment differs from itself")
    return 0
}

private func asciiLower(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs as a run of bytes.
    fileprivate func contains(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
