// libFuzzer harness for the reader of Eureka registration bodies (`POST /eureka/apps/{APP}`).
// Each input is a body as received: it goes to the JSON reader, to the XML reader, and to
// `Registration.decode`, which picks the reader by the first byte and maps the document to an
// instance (the application in the path is taken from the body itself, so that inputs reach
// the mapping and not only the name check). What the registry then writes for that instance,
// in JSON and, where XML can carry every value, in XML, is read back. A failure is anything
// but a value or a thrown `DocumentError`/`RegistrationProblem`: a trap, an address error, a
// hang, a document nested deeper than the readers allow, or an accepted instance that does
// not read back as itself from the registry's own answer. Only Foundation is needed: the
// request handling around it (Hummingbird, NIO) is not part of this harness. scripts/fuzz.sh
// compiles it into one module named ZweDiscovery with RequestDocument.swift,
// Registration.swift, InstanceInfo.swift and EurekaCodec.swift.

import Foundation

private let fuzzLease = LeaseSettings(renewalIntervalSeconds: 30, durationSeconds: 90)
private let fuzzNow: Int64 = 1_700_000_000_000

@_cdecl("LLVMFuzzerTestOneInput")
public func eurekaBodyFuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))

    // Both readers see every input, whatever it starts with.
    do {
        let node = try JSONDocument.parse(body)
        fuzzCheck(depth(of: node) <= 64, "a JSON document deeper than the limit was accepted")
    } catch {}
    do {
        let (_, node) = try XMLDocument.parse(body)
        // 64 open elements, a self-closing one in the innermost, and that one's attributes.
        fuzzCheck(depth(of: node) <= 66, "an XML document deeper than the limit was accepted")
    } catch {}

    for contentType in [nil, "application/json"] {
        guard let document = try? Registration.document(body, contentType: contentType) else { continue }
        let pathApp = document["app"]?.nonBlank?.uppercased() ?? "FUZZ"
        guard let info = try? Registration.decode(body, contentType: contentType, pathApp: pathApp,
                                                  lease: fuzzLease, now: fuzzNow) else { continue }
        fuzzCheck(!info.instanceId.isEmpty && !info.hostName.isEmpty && !info.ipAddr.isEmpty,
                  "an instance without id, host or address was accepted")
        fuzzCheck(info.renewalIntervalInSecs > 0 && info.durationInSecs > 0, "a lease time that is not positive")

        var json = ByteWriter()
        EurekaCodec.instanceJSON(info, into: &json)
        readsBack(info, from: json.bytes, contentType: "application/json", form: "JSON")
        if xmlCarries(info) {
            var xml = ByteWriter()
            EurekaCodec.instanceXML(info, into: &xml)
            readsBack(info, from: xml.bytes, contentType: "application/xml", form: "XML")
        }
    }
    return 0
}

/// The registry's answer for an instance, sent back as a registration, gives the same instance.
private func readsBack(_ info: InstanceInfo, from bytes: [UInt8], contentType: String, form: String) {
    do throws(RegistrationProblem) {
        let again = try Registration.decode(bytes, contentType: contentType, pathApp: info.app, lease: fuzzLease, now: fuzzNow)
        fuzzCheck(again == info, "the \(form) the registry writes reads back as another instance:\n\(info)\n\(again)")
    } catch {
        fuzzCheck(false, "the \(form) the registry writes is refused: \(error.text)\n\(String(decoding: bytes, as: UTF8.self))")
    }
}

/// XML 1.0 has no way to write most control characters, and the registry leaves out metadata
/// keys that cannot be element names: such an instance cannot read back from XML as itself.
private func xmlCarries(_ info: InstanceInfo) -> Bool {
    func writable(_ text: String) -> Bool {
        !text.utf8.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
    }
    func writable(_ map: [String: String]) -> Bool {
        map.allSatisfy { EurekaCodec.isXMLName($0.key) && writable($0.value) }
    }
    let texts = [info.instanceId, info.app, info.hostName, info.ipAddr, info.sid, info.dataCenterClass,
                 info.dataCenterName, info.appGroupName, info.homePageUrl, info.statusPageUrl, info.healthCheckUrl,
                 info.secureHealthCheckUrl, info.vipAddress, info.secureVipAddress, info.asgName]
    return texts.allSatisfy { writable($0 ?? "") } && writable(info.metadata) && writable(info.dataCenterMetadata)
}

/// Levels of arrays and objects, iteratively.
private func depth(of root: DocumentNode) -> Int {
    var deepest = 0
    var pending: [(DocumentNode, Int)] = [(root, 0)]
    while let (node, level) = pending.popLast() {
        deepest = max(deepest, level)
        switch node {
        case .text, .null: break
        case .array(let items): pending.append(contentsOf: items.map { ($0, level + 1) })
        case .object(let members): pending.append(contentsOf: members.map { ($0.1, level + 1) })
        }
    }
    return deepest
}
