// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// One library target with the logic and one thin executable per service.
func service(_ name: String, executable: String, dependencies: [Target.Dependency] = []) -> [Target] {
    [
        .target(
            name: "Kefu\(name)",
            dependencies: [
                "KefuServiceKit", "KefuContracts", "KefuMessaging", "KefuStorage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ] + dependencies,
            path: "Services/\(name)/Kefu\(name)",
            swiftSettings: swiftSettings,
            plugins: ["EmbedAPIDocuments"]
        ),
        .executableTarget(
            name: executable,
            dependencies: [.target(name: "Kefu\(name)"), "KefuServiceKit"],
            path: "Services/\(name)/\(executable)",
            swiftSettings: swiftSettings
        ),
    ]
}

let package = Package(
    name: "kefu",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kefu-intake", targets: ["kefu-intake"]),
        .executable(name: "kefu-classification", targets: ["kefu-classification"]),
        .executable(name: "kefu-dispatch", targets: ["kefu-dispatch"]),
        .executable(name: "kefu-notification", targets: ["kefu-notification"]),
        .executable(name: "kefu-survey", targets: ["kefu-survey"]),
        .executable(name: "kefu-console", targets: ["kefu-console"]),
        .executable(name: "kefu-knowledge", targets: ["kefu-knowledge"]),
        .executable(name: "kefu-bench", targets: ["kefu-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(name: "CRabbitMQ", path: "Shared/CRabbitMQ", pkgConfig: "librabbitmq",
                       providers: [.apt(["librabbitmq-dev"])]),
        .systemLibrary(name: "CLibPQ", path: "Shared/CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .target(
            name: "KefuMessaging",
            dependencies: [
                "CRabbitMQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Messaging",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KefuStorage",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/Storage",
            resources: [],
            swiftSettings: swiftSettings
        ),
        // iconv lives in glibc: the module only makes its header importable.
        .systemLibrary(name: "CIconv", path: "Shared/CIconv"),
        // So does malloc_trim, which classification calls after swapping models.
        .systemLibrary(name: "CMalloc", path: "Shared/CMalloc"),
        .target(
            name: "KefuMail",
            dependencies: ["CIconv", .product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/Mail",
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CCurl", path: "Shared/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(
            name: "KefuCurl",
            dependencies: ["CCurl"],
            path: "Shared/Curl",
            swiftSettings: swiftSettings
        ),
        // End-to-end checks of what a run left behind, for the outage tests and the chaos run.
        .target(
            name: "KefuAudit",
            dependencies: ["KefuStorage"],
            path: "Shared/Audit",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KefuContracts",
            path: "Shared/Contracts",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KefuServiceKit",
            dependencies: [
                "KefuMessaging", "KefuStorage", "KefuContracts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            path: "Shared/ServiceKit",
            swiftSettings: swiftSettings
        ),
    ]
    + service("Intake", executable: "kefu-intake", dependencies: ["KefuMail", .product(name: "Crypto", package: "swift-crypto"),
                                                                .product(name: "HTTPTypes", package: "swift-http-types")])
    + service("Classification", executable: "kefu-classification", dependencies: ["CMalloc"])
    + service("Dispatch", executable: "kefu-dispatch", dependencies: [.product(name: "Metrics", package: "swift-metrics")])
    + service("Notification", executable: "kefu-notification", dependencies: [
        "KefuMail", .product(name: "Metrics", package: "swift-metrics"), "KefuCurl", .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Crypto", package: "swift-crypto"), .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
    ])
    + service("Survey", executable: "kefu-survey", dependencies: [.product(name: "NIOCore", package: "swift-nio")])
    + service("Console", executable: "kefu-console", dependencies: [
        .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
        .product(name: "Mustache", package: "swift-mustache"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Crypto", package: "swift-crypto"), .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "HTTPTypes", package: "swift-http-types"),
    ])
    + service("Knowledge", executable: "kefu-knowledge", dependencies: [
        .product(name: "Mustache", package: "swift-mustache"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
    ])
    + [
        // Each service serves docs/openapi/<name>.yaml and docs/asyncapi.yaml as built.
        .plugin(name: "EmbedAPIDocuments", capability: .buildTool(), dependencies: ["kefu-embed-documents"],
                path: "Plugins/EmbedAPIDocuments"),
        .executableTarget(name: "kefu-embed-documents", path: "Tools/kefu-embed-documents", swiftSettings: swiftSettings),
        .executableTarget(
            name: "kefu-bench",
            dependencies: ["KefuMessaging", "KefuContracts", "KefuServiceKit", "KefuStorage", "KefuClassification", "KefuAudit",
                           "KefuKnowledge",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio")],
            path: "Benchmarks/kefu-bench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KefuTests",
            dependencies: [
                "KefuContracts", "KefuMessaging", "KefuStorage", "KefuServiceKit", "KefuMail",
                "KefuIntake", "KefuClassification", "KefuDispatch", "KefuNotification", "KefuSurvey", "KefuConsole",
                "KefuKnowledge",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/KefuTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["KefuServiceKit", "KefuIntake", "KefuMail", "KefuCurl", "KefuAudit", "KefuContracts",
                           "KefuMessaging", "KefuStorage",
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            path: "Tests/IntegrationTests",
            swiftSettings: swiftSettings
        ),
    ]
)
