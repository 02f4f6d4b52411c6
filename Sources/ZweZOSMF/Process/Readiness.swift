import Foundation
import Synchronization
import ZweMessages

/// The pipe on which a detached stub tells the `zwe zosmf-stub --detach` that started it how
/// the start went: its start-up messages and then `ZOSMFStub.readyMarker`, or the error that
/// stopped it. Closed after the one answer, so that the parent also learns of a stub that dies
/// before it says anything (end of file without the marker).
final class Readiness: Sendable {
    private let fd: Mutex<Int32?>

    init(fd: Int32?) { self.fd = Mutex(fd) }

    func ready(_ messages: [Diagnostic]) {
        answer(messages.map(\.description).joined(separator: "\n") + "\n" + ZOSMFStub.readyMarker + "\n")
    }

    func fail(_ diagnostic: Diagnostic) {
        answer(diagnostic.explained + "\n")
    }

    private func answer(_ text: String) {
        fd.withLock { descriptor in
            guard let open = descriptor else { return }
            StubLog.write(text, to: open)
            close(open)
            descriptor = nil
        }
    }
}
