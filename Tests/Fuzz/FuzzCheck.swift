// Shared by every harness in this folder (scripts/fuzz.sh compiles it into each). libFuzzer
// keeps an input as a crash when the process dies; an optimised build drops the message of a
// failed precondition, so a broken promise is printed first and then ends the process, and
// the crash report says what went wrong, not just where.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
               file: StaticString = #fileID, line: UInt = #line) {
    guard !condition() else { return }
    fputs("fuzz check failed at \(file):\(line): \(message())\n", stderr)
    abort()
}
