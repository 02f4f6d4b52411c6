import Foundation
import ZweKeyMaterial
import ZweMessages

/// zowe-certificates.env on disk: read with the env-file reader (so that what a shell sourcing
/// the file sees and what the launcher sees are the same bytes), written with its quoting.
extension CertificateEnvironment {
    /// The file of a keystore directory.
    public static func path(keystoreDirectory: String) -> String {
        keystoreDirectory + "/" + CertificateVariable.fileName
    }

    /// Reads a keystore directory's file. `$VAR` not assigned in the file expands to nothing:
    /// the result does not depend on the caller's shell.
    public static func load(keystoreDirectory: String) throws(Diagnostic) -> CertificateEnvironment {
        CertificateEnvironment(values: try EnvFile.load(path: path(keystoreDirectory: keystoreDirectory), environment: [:]).values)
    }

    /// The file's text: a comment header, then one quoted assignment per line.
    public func render(header: [String]) -> String {
        ShellQuoting.render(entries, header: header)
    }
}

extension EnvFile {
    /// The value of a certificate variable (zowe-certificates.env).
    public subscript(variable: CertificateVariable) -> String? { self[variable.rawValue] }

    /// `file:LINE` of a certificate variable's last assignment.
    public func location(of variable: CertificateVariable) -> String? { location(of: variable.rawValue) }
}
