import Foundation

/// Which host names a certificate's subject alternative names cover, decided as the
/// certificate validation decides it (exact names, one-label wildcards, addresses only as
/// iPAddress entries).
public enum HostCoverage {
    /// The hosts of `hosts` that the certificate in `certificateDER` does not cover, in order.
    public static func uncovered(_ hosts: [String], certificateDER: [UInt8]) throws -> [String] {
        let names = ValidationHostnames(try ValidationCertificate(der: certificateDER))
        return hosts.filter { !names.covers($0) }
    }
}
