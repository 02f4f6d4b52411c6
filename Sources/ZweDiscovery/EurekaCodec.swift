// The registry's answers in the two forms Eureka serves, written by hand into bytes: the
// shapes are those of Eureka's own codecs (Jackson JSON with `$`/`@enabled` ports and string
// timestamps; XML with `enabled` attributes and `overriddenstatus`), so that Java's and
// Python's Eureka clients read them as they read a real Eureka server.

/// JSON or XML, from the request's Accept header: JSON only when it names json.
public enum EurekaFormat: Sendable, Hashable {
    case json
    case xml

    public init(accept: String?) {
        self = accept?.lowercased().contains("json") == true ? .json : .xml
    }

    public var contentType: String {
        switch self {
        case .json: "application/json"
        case .xml: "application/xml"
        }
    }
}

/// Bytes being written, with JSON and XML escaping.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func raw(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    /// Decimal digits, written without making a String.
    mutating func number<T: BinaryInteger>(_ value: T) {
        var magnitude = UInt64(value.magnitude)
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        if magnitude == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    mutating func boolean(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    /// A JSON string with its quotes.
    mutating func jsonString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = text.utf8
        // The common case, nothing to escape, is one copy.
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: utf8)
        } else {
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    raw("\\u00")
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0x0F)])
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `"name":"value"`.
    mutating func jsonField(_ name: String, _ value: String) {
        jsonString(name)
        bytes.append(UInt8(ascii: ":"))
        jsonString(value)
    }

    /// Text or attribute content with the five XML characters escaped; characters XML 1.0
    /// cannot carry at all (control characters other than tab and line ends) are left out.
    mutating func xmlText(_ text: String) {
        let utf8 = text.utf8
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
            || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) {
            bytes.append(contentsOf: utf8)
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "<"): raw("&lt;")
            case UInt8(ascii: ">"): raw("&gt;")
            case UInt8(ascii: "&"): raw("&amp;")
            case UInt8(ascii: "\""): raw("&quot;")
            case UInt8(ascii: "'"): raw("&apos;")
            case 0x09, 0x0A, 0x0D: bytes.append(byte)
            case 0..<0x20: continue
            default: bytes.append(byte)
            }
        }
    }

    /// `<name>text</name>`.
    mutating func xmlElement(_ name: String, _ text: String) {
        bytes.append(UInt8(ascii: "<"))
        raw(name)
        bytes.append(UInt8(ascii: ">"))
        xmlText(text)
        raw("</")
        raw(name)
        bytes.append(UInt8(ascii: ">"))
    }

    /// `,"name":"value"` when there is a value.
    mutating func optionalJSONField(_ name: String, _ value: String?) {
        guard let value else { return }
        bytes.append(UInt8(ascii: ","))
        jsonField(name, value)
    }

    /// `<name>value</name>` when there is a value.
    mutating func optionalXMLElement(_ name: String, _ value: String?) {
        guard let value else { return }
        xmlElement(name, value)
    }
}

/// Eureka's serialisation of instances, applications and the registry.
enum EurekaCodec {
    static let emptyMetadataClass = "java.util.Collections$EmptyMap"

    /// One instance object, without the `instance` wrapper.
    static func instanceJSON(_ info: InstanceInfo, into out: inout ByteWriter) {
        out.raw("{")
        out.jsonField("instanceId", info.instanceId)
        out.raw(",")
        out.jsonField("hostName", info.hostName)
        out.raw(",")
        out.jsonField("app", info.app)
        out.raw(",")
        out.jsonField("ipAddr", info.ipAddr)
        if let sid = info.sid {
            out.raw(",")
            out.jsonField("sid", sid)
        }
        out.raw(",")
        out.jsonField("status", info.effectiveStatus.rawValue)
        out.raw(",")
        out.jsonField("overriddenStatus", info.overriddenStatus.rawValue)
        out.raw(#","port":{"$":"#)
        out.number(info.port)
        out.raw(#","@enabled":""#)
        out.boolean(info.portEnabled)
        out.raw(#""},"securePort":{"$":"#)
        out.number(info.securePort)
        out.raw(#","@enabled":""#)
        out.boolean(info.securePortEnabled)
        out.raw(#""},"countryId":"#)
        out.number(info.countryId)
        out.raw(#","dataCenterInfo":{"#)
        out.jsonField("@class", info.dataCenterClass)
        out.raw(",")
        out.jsonField("name", info.dataCenterName)
        if !info.dataCenterMetadata.isEmpty {
            out.raw(#","metadata":"#)
            jsonMap(info.dataCenterMetadata, into: &out)
        }
        out.raw(#"},"leaseInfo":{"renewalIntervalInSecs":"#)
        out.number(info.renewalIntervalInSecs)
        out.raw(#","durationInSecs":"#)
        out.number(info.durationInSecs)
        out.raw(#","registrationTimestamp":"#)
        out.number(info.registrationTimestamp)
        out.raw(#","lastRenewalTimestamp":"#)
        out.number(info.lastRenewalTimestamp)
        out.raw(#","evictionTimestamp":"#)
        out.number(info.evictionTimestamp)
        out.raw(#","serviceUpTimestamp":"#)
        out.number(info.serviceUpTimestamp)
        out.raw(#"},"metadata":"#)
        if info.metadata.isEmpty {
            // What Eureka writes for an empty map, for clients that look for it.
            out.raw("{")
            out.jsonField("@class", emptyMetadataClass)
            out.raw("}")
        } else {
            jsonMap(info.metadata, into: &out)
        }
        out.optionalJSONField("appGroupName", info.appGroupName)
        out.optionalJSONField("homePageUrl", info.homePageUrl)
        out.optionalJSONField("statusPageUrl", info.statusPageUrl)
        out.optionalJSONField("healthCheckUrl", info.healthCheckUrl)
        out.optionalJSONField("secureHealthCheckUrl", info.secureHealthCheckUrl)
        out.optionalJSONField("vipAddress", info.vipAddress)
        out.optionalJSONField("secureVipAddress", info.secureVipAddress)
        out.optionalJSONField("asgName", info.asgName)
        out.raw(#","isCoordinatingDiscoveryServer":""#)
        out.boolean(info.isCoordinatingDiscoveryServer)
        out.raw(#"","lastUpdatedTimestamp":""#)
        out.number(info.lastUpdatedTimestamp)
        out.raw(#"","lastDirtyTimestamp":""#)
        out.number(info.lastDirtyTimestamp)
        out.raw(#"","actionType":""#)
        out.raw(info.actionType.rawValue)
        out.raw(#""}"#)
    }

    private static func jsonMap(_ map: [String: String], into out: inout ByteWriter) {
        out.raw("{")
        var first = true
        for key in map.keys.sorted() {
            if !first { out.raw(",") }
            first = false
            out.jsonField(key, map[key]!)
        }
        out.raw("}")
    }

    /// One `<instance>` element.
    static func instanceXML(_ info: InstanceInfo, into out: inout ByteWriter) {
        out.raw("<instance>")
        out.xmlElement("instanceId", info.instanceId)
        out.xmlElement("hostName", info.hostName)
        out.xmlElement("app", info.app)
        out.xmlElement("ipAddr", info.ipAddr)
        if let sid = info.sid { out.xmlElement("sid", sid) }
        out.xmlElement("status", info.effectiveStatus.rawValue)
        out.xmlElement("overriddenstatus", info.overriddenStatus.rawValue)
        out.raw(#"<port enabled=""#)
        out.boolean(info.portEnabled)
        out.raw(#"">"#)
        out.number(info.port)
        out.raw(#"</port><securePort enabled=""#)
        out.boolean(info.securePortEnabled)
        out.raw(#"">"#)
        out.number(info.securePort)
        out.raw("</securePort><countryId>")
        out.number(info.countryId)
        out.raw(#"</countryId><dataCenterInfo class=""#)
        out.xmlText(info.dataCenterClass)
        out.raw(#"">"#)
        out.xmlElement("name", info.dataCenterName)
        if !info.dataCenterMetadata.isEmpty {
            out.raw("<metadata>")
            xmlMap(info.dataCenterMetadata, into: &out)
            out.raw("</metadata>")
        }
        out.raw("</dataCenterInfo><leaseInfo><renewalIntervalInSecs>")
        out.number(info.renewalIntervalInSecs)
        out.raw("</renewalIntervalInSecs><durationInSecs>")
        out.number(info.durationInSecs)
        out.raw("</durationInSecs><registrationTimestamp>")
        out.number(info.registrationTimestamp)
        out.raw("</registrationTimestamp><lastRenewalTimestamp>")
        out.number(info.lastRenewalTimestamp)
        out.raw("</lastRenewalTimestamp><evictionTimestamp>")
        out.number(info.evictionTimestamp)
        out.raw("</evictionTimestamp><serviceUpTimestamp>")
        out.number(info.serviceUpTimestamp)
        out.raw("</serviceUpTimestamp></leaseInfo>")
        if info.metadata.isEmpty {
            out.raw(#"<metadata class="\#(emptyMetadataClass)"/>"#)
        } else {
            out.raw("<metadata>")
            xmlMap(info.metadata, into: &out)
            out.raw("</metadata>")
        }
        out.optionalXMLElement("appGroupName", info.appGroupName)
        out.optionalXMLElement("homePageUrl", info.homePageUrl)
        out.optionalXMLElement("statusPageUrl", info.statusPageUrl)
        out.optionalXMLElement("healthCheckUrl", info.healthCheckUrl)
        out.optionalXMLElement("secureHealthCheckUrl", info.secureHealthCheckUrl)
        out.optionalXMLElement("vipAddress", info.vipAddress)
        out.optionalXMLElement("secureVipAddress", info.secureVipAddress)
        out.optionalXMLElement("asgName", info.asgName)
        out.raw("<isCoordinatingDiscoveryServer>")
        out.boolean(info.isCoordinatingDiscoveryServer)
        out.raw("</isCoordinatingDiscoveryServer><lastUpdatedTimestamp>")
        out.number(info.lastUpdatedTimestamp)
        out.raw("</lastUpdatedTimestamp><lastDirtyTimestamp>")
        out.number(info.lastDirtyTimestamp)
        out.raw("</lastDirtyTimestamp><actionType>")
        out.raw(info.actionType.rawValue)
        out.raw("</actionType></instance>")
    }

    /// Metadata keys become element names; a key that cannot be one (a blank, a leading
    /// digit) is left out of the XML form, which has no way to carry it.
    private static func xmlMap(_ map: [String: String], into out: inout ByteWriter) {
        for key in map.keys.sorted() where isXMLName(key) {
            out.xmlElement(key, map[key]!)
        }
    }

    static func isXMLName(_ name: String) -> Bool {
        // The usual key, ASCII letters, digits and . _ - only, without looking at Unicode properties.
        let utf8 = name.utf8
        if let first = utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first | 0x20) || first == UInt8(ascii: "_"),
           utf8.allSatisfy({ byte in
               (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                   || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
           }) {
            return !(utf8.count >= 3 && name.prefix(3).lowercased() == "xml")
        }
        guard let first = name.unicodeScalars.first else { return false }
        func isStart(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar == ":" || scalar.properties.isAlphabetic
        }
        guard isStart(first), !name.lowercased().hasPrefix("xml") else { return false }
        return name.unicodeScalars.dropFirst().allSatisfy {
            isStart($0) || $0 == "-" || $0 == "." || ("0"..."9").contains($0)
        }
    }

    /// `UP_3_` for three instances that are UP; statuses in name order, as Eureka's
    /// reconcile hash code.
    static func hashCode(_ counts: [InstanceStatus: Int]) -> String {
        counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)_\($0.value)_" }.joined()
    }
}
