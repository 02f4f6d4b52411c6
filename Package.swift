// swift-tools-version:6.2
// The Zowe instance launcher for Linux: the `zwe` command line and its modules.
import PackageDescription

let package = Package(
    name: "zowe-launcher",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "zwe", targets: ["zwe"]),
        .executable(name: "zwe-component", targets: ["zwe-component"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // The message table: every id, text, cause and fix the product prints.
        .target(name: "ZweMessages"),
        // The system libyaml (libyaml-dev), read only by ZweConfiguration's manifest reader.
        .systemLibrary(
            name: "CZweYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // Env files, manifests and the resolution of an instance's configuration; zowe.yaml
        // read and edited in place; components installed (unzip and tar run through ZweProcess).
        .target(name: "ZweConfiguration", dependencies: ["ZweMessages", "ZweKeyMaterial", "CZweYAML", "ZweProcess"]),
        // PKCS#12 reading and writing on the system OpenSSL 3 (libssl-dev), behind a
        // small C API of its own so that no Swift file ever sees OpenSSL's headers.
        .target(
            name: "CZwePKCS12",
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),
        // The Swift face of CZwePKCS12: key and trusted-certificate entries in, bytes out.
        .target(name: "ZwePKCS12", dependencies: ["CZwePKCS12"]),
        // The certificate contract: zowe-certificates.env as a type, the store it names (PKCS#12
        // file or key ring), the verify mode, the password's source, and opening the stores.
        .target(name: "ZweKeyMaterial", dependencies: ["ZweMessages", "ZwePKCS12", "ZweKeyring"]),
        // Certificate generation, keystores and truststores, inspection and validation.
        .target(
            name: "ZweCertificates",
            dependencies: [
                "ZweMessages", "ZweConfiguration", "ZweKeyMaterial", "ZwePKCS12", "ZweKeyring",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // The simulated SAF database: key rings and labelled certificates (ZWE_SAF_DIR).
        .target(name: "ZweKeyring"),
        // Starting programs: posix_spawn with an exact environment, never Foundation.Process.
        .target(name: "CZweProcess"),
        .target(name: "ZweProcess", dependencies: ["CZweProcess"]),
        // The check before every start (`zwe validate`): plan, certificates, ports, scripts.
        .target(name: "ZwePreflight", dependencies: ["ZweMessages", "ZweConfiguration", "ZweKeyMaterial", "ZweCertificates", "ZweProcess"]),
        // Running an instance: lock, detached launcher, supervision, control socket, logs, stop.
        .target(
            name: "ZweLauncher",
            dependencies: [
                "ZweMessages", "ZweConfiguration", "ZweKeyMaterial", "ZweCertificates", "ZwePreflight", "ZweProcess", "ZwePKCS12", "CZweProcess", "ZweKeyring",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // `zwe export`: an instance as Kubernetes manifests (workloads, Services, the keystore
        // Secret, the ConfigMap, the certificate's cluster names) or as a systemd unit.
        .target(name: "ZweExport", dependencies: ["ZweMessages", "ZweConfiguration", "ZweKeyMaterial", "ZweCertificates"]),
        // The `zwe` commands, as a library so that tests can reach them.
        .target(
            name: "ZweCLI",
            dependencies: [
                "ZweMessages", "ZweConfiguration", "ZweKeyMaterial", "ZweCertificates", "ZwePreflight", "ZweLauncher", "ZweZOSMF", "ZweKeyring", "ZweExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .executableTarget(
            name: "zwe",
            dependencies: ["ZweCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The runtime every component program runs on: TLS identity from the injected
        // environment, the HTTPS server with /application/health, graceful SIGTERM.
        .target(
            name: "ZweComponentRuntime",
            dependencies: [
                "ZweMessages", "ZweKeyMaterial", "ZwePKCS12", "ZweKeyring",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The api-catalog component: registers with discovery, serves the page and JSON of
        // every service discovery knows.
        .target(
            name: "ZweAPICatalog",
            dependencies: [
                "ZweComponentRuntime", "ZweMessages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The discovery service: an in-memory Eureka-compatible registry with leases, eviction,
        // static definitions and the client-certificate check on /eureka/**.
        .target(
            name: "ZweDiscovery",
            dependencies: [
                "ZweComponentRuntime", "ZweConfiguration", "ZweKeyMaterial", "ZweMessages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The gateway component: northbound HTTPS, routing from the registry, the proxy path on
        // plain SwiftNIO with pooled southbound TLS, authentication with the jwtsecret key.
        .target(
            name: "ZweGateway",
            dependencies: [
                "ZweComponentRuntime", "ZweMessages", "ZwePKCS12",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The external z/OSMF of the tests and the demo (`zwe zosmf-stub`): its own certificate,
        // authentication, restjobs and a small JES whose spool is kept on disk.
        .target(
            name: "ZweZOSMF",
            dependencies: [
                "ZweMessages", "ZweCertificates", "ZweConfiguration", "ZweKeyMaterial", "ZweProcess",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        // The jobs-api component: Zowe's jobs REST API over z/OSMF, southbound in the verify mode.
        .target(
            name: "ZweJobsAPI",
            dependencies: [
                "ZweComponentRuntime", "ZweMessages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The explorer-jes component: the JES explorer web page, used through the gateway.
        .target(
            name: "ZweExplorerJES",
            dependencies: [
                "ZweComponentRuntime", "ZweMessages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "zwe-component",
            dependencies: ["ZweComponentRuntime", "ZweAPICatalog", "ZweDiscovery", "ZweGateway", "ZweJobsAPI", "ZweExplorerJES"]
        ),
        // A test-only component whose misbehaviour (crash, ignored SIGTERM, output flood) is
        // switched on from the environment; the launcher's tests start it instead of a real one.
        .executableTarget(
            name: "zwe-test-component",
            dependencies: ["ZweComponentRuntime"],
            path: "Tests/Fixtures/TestComponent"
        ),
        // What the tests that start the built programs share: program paths, keystores,
        // started processes, client tools, loopback sockets.
        .target(name: "ZweTestSupport", dependencies: ["ZweCertificates", "ZweConfiguration", "ZweProcess", "CZweProcess"], path: "Tests/Support"),
        .testTarget(
            name: "ComponentRuntimeTests",
            dependencies: [
                "ZweTestSupport", "ZweComponentRuntime", "ZweKeyMaterial", "ZwePKCS12", "ZweMessages",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "DiscoveryTests",
            dependencies: [
                "ZweTestSupport", "ZweDiscovery", "ZweComponentRuntime", "ZweMessages",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "ZweGateway", "ZweComponentRuntime", "ZweTestSupport", "ZwePKCS12",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "ZOSMFTests",
            dependencies: ["ZweZOSMF", "ZweTestSupport"]
        ),
        .testTarget(name: "ZweConfigurationTests", dependencies: ["ZweConfiguration", "ZweMessages", "ZweTestSupport"]),
        .testTarget(
            name: "ZweCertificatesTests",
            dependencies: [
                "ZweCertificates", "ZweKeyMaterial", "ZwePKCS12", "ZweTestSupport",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "ZweKeyMaterialTests", dependencies: ["ZweKeyMaterial", "ZweConfiguration", "ZweTestSupport"]),
        .testTarget(name: "ZwePKCS12Tests", dependencies: ["ZwePKCS12", "ZweKeyMaterial", "ZweTestSupport"]),
        .testTarget(
            name: "CatalogTests",
            dependencies: [
                "ZweTestSupport", "ZweAPICatalog", "ZweComponentRuntime", "ZweKeyMaterial", "ZweMessages",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ZweEndToEndTests",
            dependencies: [
                "ZweConfiguration", "ZweTestSupport", "ZweExport", "ZweKeyMaterial", "ZwePKCS12",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "ZweLauncherTests", dependencies: ["ZweLauncher", "ZweTestSupport"]),
        // The failure cases, security checks and bad input of quality.md against real instances;
        // run by scripts/reliability.sh, not by the plain test command.
        .testTarget(name: "ReliabilityTests", dependencies: ["ZweTestSupport"]),
    ]
)
