import ZweConfiguration
import ZweKeyMaterial

/// The trust anchors of the launcher's health checks, as DER: the instance's truststore opened
/// through ZweKeyMaterial with the password this start resolved, exactly as every component
/// opens it (a PKCS#12 file's certificates, or a key ring's certificate authorities). A
/// truststore that cannot be read gives no anchors: every check then fails and the component is
/// reported not READY, rather than the launcher ending. Read once per launcher start.
enum SupervisorTrust {
    static func anchors(_ plan: LaunchPlan) -> [[UInt8]] {
        ((try? plan.certificates?.stores?.trusted(password: plan.keystorePassword)) ?? []).map(\.der)
    }
}
