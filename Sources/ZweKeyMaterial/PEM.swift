import Foundation

/// PEM text in and out. Our own small codec, because files mix labels (certificates, keys)
/// and every block must end with a newline so that concatenated files stay valid.
public enum PEM {
    public struct Block: Sendable, Equatable {
        public let label: String
        public let der: [UInt8]
    }

    public static func encode(_ der: [UInt8], label: String) -> String {
        let base64 = Data(der).base64EncodedString()
        var out = "-----BEGIN \(label)-----\n"
        var index = base64.startIndex
        while index < base64.endIndex {
            let end = base64.index(index, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            out += base64[index..<end]
            out += "\n"
            index = end
        }
        out += "-----END \(label)-----\n"
        return out
    }

    /// Every `-----BEGIN X-----` block of the text, in order. Malformed base64 is an error.
    public static func decode(_ text: String) throws -> [Block] {
        var blocks: [Block] = []
        var label: String?
        var body = ""
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if let current = label {
                if line == "-----END \(current)-----" {
                    guard let data = Data(base64Encoded: body) else {
                        throw PEMError.badBase64(label: current)
                    }
                    blocks.append(Block(label: current, der: Array(data)))
                    label = nil
                    body = ""
                } else if line.hasPrefix("-----") {
                    throw PEMError.unterminated(label: current)
                } else if !line.contains(":") {  // skip RFC 1421 headers such as Proc-Type
                    body += line
                }
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                label = String(line.dropFirst(11).dropLast(5))
            }
        }
        if let current = label { throw PEMError.unterminated(label: current) }
        return blocks
    }

    public static func looksLikePEM(_ bytes: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN ".utf8)
        guard bytes.count >= marker.count else { return false }
        for start in 0...(bytes.count - marker.count) where bytes[start] == marker[0] {
            if Array(bytes[start..<(start + marker.count)]) == marker { return true }
        }
        return false
    }
}

public enum PEMError: Error, CustomStringConvertible {
    case badBase64(label: String)
    case unterminated(label: String)

    public var description: String {
        switch self {
        case .badBase64(let label): "the \(label) block is not valid base64"
        case .unterminated(let label): "the \(label) block has no END line"
        }
    }
}
