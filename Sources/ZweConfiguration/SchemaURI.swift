// The addresses of JSON schemas: a `$id` or `$ref` resolved against the base it is written in
// (RFC 3986 section 5, for the forms schemas use: absolute URIs, `/path`, relative paths, and
// `#fragment`), split into the resource and its fragment, and a JSON Pointer fragment read
// into its steps.

enum SchemaURI {
    /// `reference` made absolute against `base`.
    static func resolve(_ reference: String, against base: String) -> String {
        if hasScheme(reference) { return reference }
        let (baseResource, _) = split(base)
        if reference.isEmpty { return baseResource }
        if reference.hasPrefix("#") { return baseResource + reference }
        guard let schemeEnd = baseResource.range(of: ":") else { return reference }
        let scheme = String(baseResource[..<schemeEnd.upperBound])
        let afterScheme = baseResource[schemeEnd.upperBound...]
        if reference.hasPrefix("//") { return scheme + reference }

        // The authority (`//host`) and the path of the base.
        var authority = ""
        var path = String(afterScheme)
        if afterScheme.hasPrefix("//") {
            let rest = afterScheme.dropFirst(2)
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            authority = "//" + rest[..<slash]
            path = String(rest[slash...])
        }
        let (referencePath, fragment) = splitFragment(reference)
        let mergedPath: String
        if referencePath.hasPrefix("/") {
            mergedPath = referencePath
        } else if let lastSlash = path.lastIndex(of: "/") {
            mergedPath = String(path[...lastSlash]) + referencePath
        } else {
            // A base without a hierarchical path (`urn:...`) keeps relative references as they are.
            mergedPath = authority.isEmpty && !path.hasPrefix("/") ? referencePath : "/" + referencePath
        }
        return scheme + authority + removingDotSegments(mergedPath) + fragment
    }

    /// The URI without its fragment, and the fragment without `#` (empty when there is none).
    static func split(_ uri: String) -> (resource: String, fragment: String) {
        guard let hash = uri.firstIndex(of: "#") else { return (uri, "") }
        return (String(uri[..<hash]), String(uri[uri.index(after: hash)...]))
    }

    /// The steps of a JSON Pointer (`/$defs/port`), `~1` and `~0` and percent escapes undone;
    /// nil when the text is not a pointer.
    static func pointerSteps(_ fragment: String) -> [String]? {
        guard fragment.hasPrefix("/") else { return fragment.isEmpty ? [] : nil }
        return fragment.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { step in
            percentDecoded(String(step)).replacing("~1", with: "/").replacing("~0", with: "~")
        }
    }

    /// A file path as a `file:` URI, the base of a schema that has no `$id`.
    static func fileURI(_ path: String) -> String { "file://" + path }

    private static func hasScheme(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), let first = text.first, first.isASCII, first.isLetter else { return false }
        return text[..<colon].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }

    private static func splitFragment(_ reference: String) -> (String, String) {
        guard let hash = reference.firstIndex(of: "#") else { return (reference, "") }
        return (String(reference[..<hash]), String(reference[hash...]))
    }

    private static func removingDotSegments(_ path: String) -> String {
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            switch segment {
            case ".":
                if index == segments.count - 1 { output.append("") }
            case "..":
                if output.count > 1 { output.removeLast() }
                if index == segments.count - 1 { output.append("") }
            default:
                output.append(segment)
            }
        }
        return output.joined(separator: "/")
    }

    private static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
