// libFuzzer harness for the component manifest reader. Each input, read as UTF-8 (invalid
// sequences replaced, as `ComponentManifest.load` refuses them before parsing), goes to
// `YAMLDocument.parse` and to `ComponentManifest.parse`, which reads YAML through the system
// libyaml. A failure is anything but a value or a thrown diagnostic: a trap, an address error
// (in the Swift code or in libyaml as the reader drives it), a hang, or one of these broken
// promises: parsing the same text twice gives a different outcome; a manifest comes back
// whose id, job code, dependencies, health check or launcher settings break the rules the
// reader checks; a refusal carries no diagnostic, or one that does not point into the file.
// scripts/fuzz.sh compiles it with the reader's sources into one module named
// ZweConfiguration, with the CZweYAML module map and -lyaml.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ZweMessages

private let fuzzPath = "/fuzz/components/x/manifest.yaml"

@_cdecl("LLVMFuzzerTestOneInput")
public func manifestFuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    // The tree alone: the same text gives the same tree or the same diagnostic.
    let tree = Result { () throws(Diagnostic) -> YAMLNode in try YAMLDocument.parse(text, path: fuzzPath) }
    let treeAgain = Result { () throws(Diagnostic) -> YAMLNode in try YAMLDocument.parse(text, path: fuzzPath) }
    switch (tree, treeAgain) {
    case (.success(let node), .success(let again)):
        fuzzCheck(node == again, "the same text parsed to different trees")
        fuzzCheck(depth(of: node) <= YAMLDocument.maximumDepth + 1, "a tree deeper than the limit was accepted")
    case (.failure(let error), .failure(let again)):
        fuzzCheck(error == again, "the same text failed with different diagnostics")
        checkLocation(error)
    default:
        fuzzCheck(false, "the same text both parsed and failed")
    }

    // The manifest read from it.
    let manifest = Result { () throws(Diagnostics) -> ComponentManifest in try ComponentManifest.parse(text, path: fuzzPath) }
    let manifestAgain = Result { () throws(Diagnostics) -> ComponentManifest in try ComponentManifest.parse(text, path: fuzzPath) }
    switch (manifest, manifestAgain) {
    case (.success(let read), .success(let again)):
        fuzzCheck(read == again, "the same text read to different manifests")
        if case .failure = tree { fuzzCheck(false, "a manifest was read from text that is not YAML") }
        checkRules(read)
    case (.failure(let problems), .failure(let again)):
        fuzzCheck(!problems.items.isEmpty, "a manifest was refused without a diagnostic")
        fuzzCheck(problems.items == again.items, "the same text failed with different diagnostics")
        for problem in problems.items {
            checkLocation(problem)
            _ = problem.explained
        }
    default:
        fuzzCheck(false, "the same text both read and failed")
    }
    return 0
}

/// What the reader promises about a manifest it returns.
private func checkRules(_ manifest: ComponentManifest) {
    fuzzCheck(isComponentID(manifest.id), "id \(manifest.id.debugDescription) is not a component id")
    for dependency in manifest.dependsOn {
        fuzzCheck(isComponentID(dependency), "dependency \(dependency.debugDescription) is not a component id")
        fuzzCheck(dependency != manifest.id, "a component depends on itself")
    }
    if let code = manifest.jobCode {
        fuzzCheck(code.utf8.count == 2 && code.utf8.allSatisfy(isUpperOrDigit), "job code \(code.debugDescription)")
    }
    if let check = manifest.healthCheck {
        fuzzCheck(check.path.hasPrefix("/"), "health check path \(check.path.debugDescription)")
        fuzzCheck(!check.portVariable.isEmpty, "empty health check port variable")
    }
    let policy = manifest.launcher
    if let intervals = policy.restartIntervals {
        fuzzCheck(!intervals.isEmpty && intervals.allSatisfy { $0 >= 0 }, "restart intervals \(intervals)")
    }
    for seconds in [policy.minUptime, policy.shutdownTimeout, policy.readyTimeout] {
        fuzzCheck((seconds ?? 0) >= 0, "negative seconds")
    }
    for key in ["id", "commands", "launcher.minUptime", "absent"] {
        let location = manifest.location(ofKey: key) ?? ""
        fuzzCheck(location == fuzzPath || location.hasPrefix(fuzzPath + ":"), "location of \(key): \(location)")
    }
}

/// A diagnostic about the file points into it: `path` or `path:line[:column]`, 1-based.
private func checkLocation(_ diagnostic: Diagnostic) {
    let location = diagnostic.location ?? ""
    fuzzCheck(location == fuzzPath || location.hasPrefix(fuzzPath + ":"), "location \(location.debugDescription)")
    for part in location.dropFirst(fuzzPath.count).split(separator: ":") {
        fuzzCheck((Int(part) ?? 0) >= 1, "location \(location.debugDescription) has no positive line or column")
    }
}

/// Levels of collections, iteratively: the tree may be as deep as the limit allows.
private func depth(of root: YAMLNode) -> Int {
    var deepest = 0
    var pending: [(YAMLNode, Int)] = [(root, 1)]
    while let (node, level) = pending.popLast() {
        deepest = max(deepest, level)
        switch node {
        case .scalar: break
        case .sequence(let items, _, _): pending.append(contentsOf: items.map { ($0, level + 1) })
        case .mapping(let pairs, _, _): pending.append(contentsOf: pairs.map { ($0.value, level + 1) })
        }
    }
    return deepest
}

private func isUpperOrDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
}

private func isComponentID(_ text: String) -> Bool {
    func isLowerOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
    guard let first = text.utf8.first, isLowerOrDigit(first) else { return false }
    return text.utf8.allSatisfy { isLowerOrDigit($0) || $0 == UInt8(ascii: "-") }
}
