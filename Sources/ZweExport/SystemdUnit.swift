import Foundation
import ZweConfiguration
import ZweMessages

/// The systemd service unit of an instance: `zwe start --foreground` as the main process,
/// which tells systemd READY=1 once every component is READY and STOPPING=1 when it begins to
/// stop; `zwe stop` as the stop command. The launcher stops its own components (in reverse
/// dependency order, each within its shutdown timeout), so systemd signals only the main
/// process and kills what is left only at the end of the stop timeout (KillMode=mixed).
public struct SystemdUnit: Sendable {
    public struct Options: Sendable {
        /// The absolute path of the `zwe` program the unit runs.
        public var program: String
        /// `User=`, when given.
        public var user: String?
        /// ZWE_BIN_DIR, ZWE_SAF_DIR and the like, written as `Environment=` lines.
        public var environment: [String: String] = [:]

        public init(program: String, user: String? = nil, environment: [String: String] = [:]) {
            self.program = program
            self.user = user
            self.environment = environment
        }
    }

    /// The variables of the caller's environment that the unit carries over.
    public static let carriedVariables = ["ZWE_BIN_DIR", "ZWE_SAF_DIR"]

    public let text: String
    public let startTimeout: Int
    public let stopTimeout: Int

    public init(plan: LaunchPlan, options: Options) throws(Diagnostics) {
        var problems: [Diagnostic] = []
        if !options.program.hasPrefix("/") {
            problems.append(Diagnostic(MessageCatalog.exportOptionInvalid, ["option": "the zwe program", "value": options.program, "reason": "not an absolute path", "expected": "an absolute path"]))
        }
        if let user = options.user, !Self.isUserName(user) {
            problems.append(Diagnostic(MessageCatalog.exportOptionInvalid, [
                "option": "--user", "value": user, "reason": "not a user name systemd accepts",
                "expected": "a user name of letters, digits, '_', '.' and '-' (not starting with '-' or a digit only), or a numeric uid",
            ]))
        }
        for (name, value) in [("the instance directory", plan.instanceDirectory), ("the zwe program", options.program)] + options.environment.map({ ($0.key, $0.value) })
        where value.contains(where: { $0.isNewline || $0 == "\0" }) {
            problems.append(Diagnostic(MessageCatalog.exportOptionInvalid, ["option": name, "value": value, "reason": "it holds a line break", "expected": "a value on one line"]))
        }
        guard problems.isEmpty else { throw Diagnostics(problems) }

        // Start: preflight, configure steps (each limited to 60 s, run side by side), then the
        // components level by level, each level within its slowest ready timeout.
        let levels = Self.levels(plan.components)
        let ready = levels.map { level in level.map(\.readyTimeout).max() ?? 0 }.reduce(0, +)
        startTimeout = ready + 60 + 30
        // Stop: level by level in reverse, each within its longest shutdown timeout.
        let shutdown = levels.map { level in level.map(\.shutdownTimeout).max() ?? 0 }.reduce(0, +)
        stopTimeout = shutdown + 15

        let directory = plan.instanceDirectory
        // An instance with HA instances: the unit runs this host's.
        let haArguments = plan.haInstancesFile == nil ? [] : ["--ha-instance", plan.haInstanceID]
        var lines = [
            "# The Zowe instance \(directory), made by 'zwe export systemd'.",
            "# Install: copy to /etc/systemd/system/NAME.service, then 'systemctl daemon-reload' and",
            "# 'systemctl enable --now NAME'.",
            "[Unit]",
            "Description=Zowe instance \(Self.specifiers(directory)) (\(plan.launcherJobName))",
            "After=network-online.target",
            "Wants=network-online.target",
            "",
            "[Service]",
            "Type=notify",
            "NotifyAccess=main",
            "ExecStart=" + ([options.program, "start", "-c", directory] + haArguments + ["--foreground"]).map(Self.argument).joined(separator: " "),
            "ExecStop=" + ([options.program, "stop", "-c", directory] + haArguments).map(Self.argument).joined(separator: " "),
            "WorkingDirectory=" + Self.specifiers(directory),
            "Restart=on-failure",
            "RestartSec=5",
            "TimeoutStartSec=\(startTimeout)",
            "TimeoutStopSec=\(stopTimeout)",
            "KillMode=mixed",
        ]
        for key in options.environment.keys.sorted() {
            lines.append("Environment=" + Self.quoted("\(key)=\(options.environment[key]!)"))
        }
        if let user = options.user { lines.append("User=\(user)") }
        lines += ["", "[Install]", "WantedBy=multi-user.target", ""]
        text = lines.joined(separator: "\n")
    }

    /// Components grouped by dependency depth: level 0 depends on nothing.
    static func levels(_ components: [LaunchPlan.Component]) -> [[LaunchPlan.Component]] {
        var depth: [String: Int] = [:]
        let byID = Dictionary(components.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func depthOf(_ id: String, _ visiting: Set<String>) -> Int {
            if let known = depth[id] { return known }
            guard let component = byID[id], !visiting.contains(id) else { return 0 }
            let value = component.dependsOn.filter { byID[$0] != nil }.map { depthOf($0, visiting.union([id])) + 1 }.max() ?? 0
            depth[id] = value
            return value
        }
        var levels: [[LaunchPlan.Component]] = []
        for component in components {
            let level = depthOf(component.id, [])
            while levels.count <= level { levels.append([]) }
            levels[level].append(component)
        }
        return levels
    }

    /// A command-line word of ExecStart=: plain when it is safe, else double-quoted; `%`
    /// (specifiers) and `$` (variables) escaped either way.
    static func argument(_ word: String) -> String {
        let safe = !word.isEmpty && word.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "/._-:+=,@".unicodeScalars.contains($0))
        }
        return safe ? word : quoted(word).replacingOccurrences(of: "$", with: "$$")
    }

    /// A double-quoted value with C-style escapes and `%` doubled.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\t": out += "\\t"
            case "%": out += "%%"
            default: out.append(character)
            }
        }
        return out + "\""
    }

    /// Text where systemd expands specifiers: `%` doubled.
    static func specifiers(_ text: String) -> String { text.replacingOccurrences(of: "%", with: "%%") }

    /// What systemd accepts in User=: a numeric uid, or a name of letters, digits, `_`, `.`, `-`.
    static func isUserName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 256, !name.hasPrefix("-") else { return false }
        if name.allSatisfy(\.isNumber) { return true }
        return name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_.-".unicodeScalars.contains($0)) }
    }
}
