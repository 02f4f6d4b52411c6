import Foundation

/// Prometheus text read by the Python prometheus_client parser (Tests/Fixtures/parse-metrics.py),
/// so that what the product serves is judged by the reference client, not by our own reading.
public struct PrometheusText: Sendable {
    /// One metric family as the parser read it. A counter's family name lacks `_total`; its
    /// samples keep it.
    public struct Family: Sendable {
        public let name: String
        public let type: String
        public let help: String
        public let samples: [Sample]

        /// The value of the first sample with these labels (and this sample name, when given).
        public func value(_ labels: [String: String], sample: String? = nil) -> Double? {
            samples.first { candidate in
                (sample == nil || candidate.name == sample) && labels.allSatisfy { candidate.labels[$0.key] == $0.value }
            }?.value
        }
    }

    public struct Sample: Sendable {
        public let name: String
        public let labels: [String: String]
        public let value: Double
    }

    public let families: [String: Family]

    public subscript(_ name: String) -> Family? { families[name] }

    /// Parses `text`; throws with the parser's message when it is not valid exposition text.
    public static func parse(_ text: String) async throws -> PrometheusText {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString).txt").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let parsed = try await runTool("python3", [Programs.packageRoot + "/Tests/Fixtures/parse-metrics.py", file], timeout: .seconds(30))
        guard parsed.status == 0 else { throw TestFailure("not valid Prometheus text (\(parsed.status)): \(parsed.stderr)\n\(text)") }
        var families: [String: Family] = [:]
        let document = jsonObject(parsed.stdout) as? [String: Any] ?? [:]
        for family in document["families"] as? [[String: Any]] ?? [] {
            let samples = (family["samples"] as? [[String: Any]] ?? []).map { sample in
                Sample(name: sample["name"] as? String ?? "", labels: sample["labels"] as? [String: String] ?? [:],
                       value: (sample["value"] as? NSNumber)?.doubleValue ?? .nan)
            }
            let name = family["name"] as? String ?? ""
            families[name] = Family(name: name, type: family["type"] as? String ?? "", help: family["help"] as? String ?? "", samples: samples)
        }
        return PrometheusText(families: families)
    }
}
