import Foundation
import KefuClassification
import KefuConsole
import KefuDispatch
import KefuIntake
import KefuKnowledge
import KefuMessaging
import KefuNotification
import KefuServiceKit
import KefuSurvey
import Testing

/// deploy/rabbitmq/definitions.json is what operators import to pre-provision the broker, and
/// what deploy/kefu imports; it must declare exactly the queues the services declare themselves,
/// or a service would fail at start with 406 PRECONDITION_FAILED.
@Suite("Broker definitions match the services' topology")
struct BrokerDefinitionsTests {
    struct Definitions: Decodable {
        struct Queue: Decodable {
            let name: String
            let arguments: [String: JSONScalar]
        }
        struct Binding: Decodable {
            let source: String
            let destination: String
            let routingKey: String
            enum CodingKeys: String, CodingKey {
                case source, destination
                case routingKey = "routing_key"
            }
        }
        struct Exchange: Decodable {
            let name: String
            let type: String
        }
        let queues: [Queue]
        let bindings: [Binding]
        let exchanges: [Exchange]
    }

    enum JSONScalar: Decodable, Equatable {
        case string(String)
        case int(Int64)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int64.self) { self = .int(number) } else {
                self = .string(try container.decode(String.self))
            }
        }
    }

    static let services = [try! IntakeService.definition(environment: [:]), ClassificationService.definition, DispatchService.definition,
                           try! NotificationService.definition(environment: [:]), try! SurveyService.definition(environment: [:]),
                           try! ConsoleService.definition(environment: ["KEFU_AUTH_KEY": String(repeating: "k", count: 32)]),
                           try! KnowledgeService.definition(environment: [:])]

    func load() throws -> Definitions {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("deploy/rabbitmq/definitions.json"))
        return try JSONDecoder().decode(Definitions.self, from: data)
    }

    @Test("every queue a service declares is in the file, with the same arguments and bindings")
    func queuesMatch() throws {
        let definitions = try load()
        let declared = Self.services.flatMap(\.topology.queues)
        #expect(Set(definitions.queues.map(\.name)) == Set(declared.map(\.name)))
        for queue in declared {
            let inFile = try #require(definitions.queues.first { $0.name == queue.name })
            let expected = queue.arguments.mapValues { value -> JSONScalar in
                switch value {
                case .string(let text): .string(text)
                case .int(let number): .int(number)
                case .bool(let flag): .int(flag ? 1 : 0)
                }
            }
            #expect(inFile.arguments == expected, "arguments of \(queue.name)")
            let bindings = Set(definitions.bindings.filter { $0.destination == queue.name }
                .map { "\($0.source) \($0.routingKey)" })
            #expect(bindings == Set(queue.bindings.map { "\($0.exchange) \($0.routingKey)" }), "bindings of \(queue.name)")
        }
    }

    @Test("the four exchanges are topic exchanges")
    func exchanges() throws {
        let definitions = try load()
        #expect(Set(definitions.exchanges.map(\.name)) == Set(KefuExchange.all.map(\.name)))
        #expect(definitions.exchanges.allSatisfy { $0.type == "topic" })
    }
}
