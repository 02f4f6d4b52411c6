import Foundation
import Testing
import ZweTestSupport

/// What a component says when it cannot start: a message with cause and fix on stderr, a
/// non-zero status, quickly, and no backtrace.
@Suite("zwe-component start failures")
struct StartFailureTests {
    func run(_ arguments: [String], _ environment: [String: String]) async throws -> (status: Int32, running: Running) {
        let running = try Running(Programs.component, arguments, environment: environment)
        let status = try #require(await running.waitForExit(timeout: .seconds(5)), "still running\n\(running.output)")
        return (status, running)
    }

    @Test("Environment and store problems stop the component with status 1 and the message", arguments: [
        ("KEYSTORE", nil, "ZWEL1500E", "environment variable KEYSTORE is not set"),
        ("GATEWAY_PORT", "99999", "ZWEL1501E", "GATEWAY_PORT is '99999'"),
        ("KEYSTORE_TYPE", "JCERACFKS", "ZWEL1502E", "KEYSTORE_TYPE 'JCERACFKS' is not supported"),
        ("KEYSTORE_PASSWORD", "not the password", "ZWEL1504E", "KEYSTORE_PASSWORD does not open KEYSTORE"),
        ("KEY_ALIAS", "gateway", "ZWEL1506E", "KEY_ALIAS 'gateway' is not an entry"),
        ("TRUSTSTORE", "/nonexistent/trust.p12", "ZWEL1503E", "cannot read TRUSTSTORE /nonexistent/trust.p12: No such file"),
    ] as [(String, String?, String, String)])
    func environmentProblems(name: String, value: String?, id: String, text: String) async throws {
        let keystore = try await Keystore.make("EC-P256")
        var environment = componentEnvironment(keystore, ["GATEWAY_PORT": "\(freePort())"])
        environment[name] = value
        let (status, running) = try await run(["gateway"], environment)
        defer { running.stop() }
        #expect(status == 1, "\(running.output)")
        let stderr = running.stderr
        #expect(stderr.hasPrefix("\(id) gateway: "), "\(stderr)")
        #expect(stderr.contains(text), "\(stderr)")
        #expect(stderr.contains("    cause: ") && stderr.contains("    fix:   "), "\(stderr)")
        #expect(!stderr.contains("Backtrace") && !stderr.contains("Fatal error"), "\(stderr)")
    }

    @Test("A port in use is named in ZWEL1510E")
    func portInUse() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let (first, port) = try await ComponentProgramTests.start("gateway", keystore)
        defer { first.stop() }
        let started = ContinuousClock.now
        let (status, second) = try await run(["api-catalog"], componentEnvironment(keystore, ["CATALOG_PORT": "\(port)"]))
        defer { second.stop() }
        #expect(status == 1, "\(second.output)")
        #expect(second.stderr.hasPrefix("ZWEL1510E api-catalog: cannot listen on 127.0.0.1 port \(port): Address already in use"),
                "\(second.stderr)")
        #expect(ContinuousClock.now - started < .seconds(10), "a refused start must end, not hang")
    }

    @Test("An unknown id or a wrong argument count exits 2; --help exits 0 and lists the ids")
    func arguments() async throws {
        let environment = ["PATH": "/usr/bin:/bin", "SWIFT_BACKTRACE": "enable=no"]
        let (unknown, running) = try await run(["zosmf"], environment)
        defer { running.stop() }
        #expect(unknown == 2)
        #expect(running.stderr.hasPrefix("ZWEL1513E Unknown component 'zosmf'; this program runs discovery, gateway, api-catalog, jobs-api, explorer-jes"),
                "\(running.stderr)")

        let (none, noArguments) = try await run([], environment)
        defer { noArguments.stop() }
        #expect(none == 2)
        #expect(noArguments.stderr.hasPrefix("ZWEL1514E"), "\(noArguments.stderr)")

        let (help, helpRun) = try await run(["--help"], environment)
        defer { helpRun.stop() }
        #expect(help == 0)
        for (id, variable) in ComponentProgramTests.components {
            #expect(helpRun.stdout.contains(id) && helpRun.stdout.contains(variable), "\(helpRun.stdout)")
        }
    }
}
