import Foundation
import ZweCertificates
import ZweMessages

/// What a z/OSMF stub runs with, checked: every value the command line gave is valid here, so
/// that a bad one is reported before anything starts.
public struct StubSettings: Sendable {
    public var port: Int
    /// The address it listens on (default loopback only).
    public var address: String
    /// The name in its certificate and in the URLs it returns (`url`, `files-url`).
    public var hostname: String
    /// An absolute path.
    public var dataDirectory: String
    /// `--cert` and `--key`: a certificate from an "external CA"; nil for the own self-signed one.
    public var externalCertificate: (certificate: String, key: String)?
    /// `--users`; nil for the single user IBMUSER with password SYS1.
    public var usersFile: String?
    public var timing: JESTiming

    public static let defaultAddress = "127.0.0.1"
    public static let defaultHostname = "localhost"

    /// Checks each value; the first bad one is thrown.
    public static func check(
        port: String, address: String?, hostname: String?, dataDirectory: String,
        certificate: String?, key: String?, usersFile: String?,
        inputDelayMilliseconds: String?, activeDelayMilliseconds: String?,
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(Diagnostic) -> StubSettings {
        guard let portNumber = Int(port.trimmingCharacters(in: .whitespaces)), (1...65535).contains(portNumber) else {
            throw Diagnostic(MessageCatalog.zosmfBadPort, ["value": port])
        }
        let address = address ?? defaultAddress
        guard IPAddressText.isAddress(address) else {
            throw Diagnostic(MessageCatalog.zosmfBadAddress, ["value": address])
        }
        let hostname = (hostname ?? defaultHostname).lowercased()
        guard isHostname(hostname) else {
            throw Diagnostic(MessageCatalog.zosmfBadHostname, ["value": hostname])
        }
        func absolute(_ path: String) -> String {
            let full = path.hasPrefix("/") ? path : workingDirectory + "/" + path
            return URL(fileURLWithPath: full).standardizedFileURL.path
        }
        guard !dataDirectory.isEmpty else {
            throw Diagnostic(MessageCatalog.zosmfDataDirectoryUnusable, ["dir": "''", "reason": "no folder was given"])
        }
        var external: (String, String)?
        switch (certificate, key) {
        case (nil, nil): external = nil
        case (let certificate?, let key?): external = (absolute(certificate), absolute(key))
        case (.some, nil): throw Diagnostic(MessageCatalog.zosmfCertificateWithoutKey, ["given": "--cert", "missing": "--key"])
        case (nil, .some): throw Diagnostic(MessageCatalog.zosmfCertificateWithoutKey, ["given": "--key", "missing": "--cert"])
        }
        func milliseconds(_ option: String, _ text: String?, default value: Int) throws(Diagnostic) -> Int {
            guard let text else { return value }
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)), (0...3_600_000).contains(number) else {
                throw Diagnostic(MessageCatalog.zosmfBadDelay, ["option": option, "value": text])
            }
            return number
        }
        let timing = JESTiming(
            inputMilliseconds: try milliseconds("--input-delay-ms", inputDelayMilliseconds, default: JESTiming.standard.inputMilliseconds),
            activeMilliseconds: try milliseconds("--active-delay-ms", activeDelayMilliseconds, default: JESTiming.standard.activeMilliseconds))
        return StubSettings(
            port: portNumber, address: address, hostname: hostname, dataDirectory: absolute(dataDirectory),
            externalCertificate: external, usersFile: usersFile.map(absolute), timing: timing)
    }

    /// RFC 1123 labels, or an IP address.
    static func isHostname(_ text: String) -> Bool {
        if IPAddressText.isAddress(text) { return true }
        guard !text.isEmpty, text.count <= 253 else { return false }
        for label in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...63).contains(label.count), label.first != "-", label.last != "-",
                  label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return false }
        }
        return true
    }

    /// The `zwe` arguments that start a stub with these settings, every path absolute: what a
    /// detached stub is started with (its working directory is `/`).
    var commandLine: [String] {
        var arguments = [
            "zosmf-stub", "--port", "\(port)", "--data", dataDirectory, "--address", address, "--hostname", hostname,
            "--input-delay-ms", "\(timing.inputMilliseconds)", "--active-delay-ms", "\(timing.activeMilliseconds)",
        ]
        if let external = externalCertificate { arguments += ["--cert", external.certificate, "--key", external.key] }
        if let usersFile { arguments += ["--users", usersFile] }
        return arguments
    }

    /// The host part of the stub's URLs (an IPv6 address in brackets).
    var urlHost: String { hostname.contains(":") ? "[\(hostname)]" : hostname }
}

/// How long a job stays in each phase, so that clients and tests see INPUT and ACTIVE.
public struct JESTiming: Sendable, Equatable {
    public var inputMilliseconds: Int
    public var activeMilliseconds: Int

    public static let standard = JESTiming(inputMilliseconds: 100, activeMilliseconds: 200)

    public init(inputMilliseconds: Int, activeMilliseconds: Int) {
        self.inputMilliseconds = inputMilliseconds
        self.activeMilliseconds = activeMilliseconds
    }
}
