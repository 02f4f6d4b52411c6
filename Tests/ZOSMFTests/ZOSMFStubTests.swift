import Testing
@testable import ZweZOSMF
