import Foundation
import KefuContracts
import KefuMessaging
import KefuStorage
import Testing

@Suite("Wire formats")
struct WireFormatTests {
    @Test("AMQP URLs give user, password, host, port and vhost")
    func amqpURL() throws {
        let configuration = try AMQPConfiguration(url: "amqp://kefu-intake:p%40ss@127.0.0.1:5682/kefu")
        #expect(configuration.user == "kefu-intake")
        #expect(configuration.password == "p@ss")
        #expect(configuration.endpoints == [.init(host: "127.0.0.1", port: 5682)])
        #expect(configuration.virtualHost == "kefu")
        #expect(try AMQPConfiguration(url: "amqp://u:p@localhost").virtualHost == "/")
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: "http://localhost") }
    }

    @Test("a cluster is a list of hosts, in the short form or as whole URLs that agree")
    func amqpCluster() throws {
        let short = try AMQPConfiguration(url: "amqp://u:p@10.0.0.1:5672,10.0.0.2:5673,10.0.0.3/kefu")
        #expect(short.endpoints == [.init(host: "10.0.0.1", port: 5672), .init(host: "10.0.0.2", port: 5673),
                                    .init(host: "10.0.0.3", port: 5672)])
        #expect(short.virtualHost == "kefu")
        #expect(short.user == "u")
        let long = try AMQPConfiguration(url: "amqp://u:p@a:1/kefu, amqp://u:p@b:2/kefu")
        #expect(long.endpoints.map(\.description) == ["a:1", "b:2"])
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: "amqp://u:p@a:1/kefu,amqp://v:p@b:2/kefu") }
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: "amqp://u:p@a:1,b:notaport/kefu") }
    }

    @Test("PostgreSQL timestamps and bytea read back exactly")
    func postgresText() throws {
        let date = try #require(Date(postgresText: "2026-11-23 08:00:00.25+00"))
        #expect(date.timeIntervalSince1970 == 1_795_420_800.25)
        #expect(Date(postgresText: "2026-11-23 16:00:00+08") == Date(timeIntervalSince1970: 1_795_420_800))
        let bytes = Data([0, 1, 0xfe, 0xff])
        #expect(bytes.postgresText == "\\x0001feff")
        #expect(Data(postgresText: bytes.postgresText) == bytes)
        #expect(["a\"b", "c\\d"].postgresText == #"{"a\"b","c\\d"}"#)
        #expect(PostgresNullableArray(["x", nil]).postgresText == #"{"x",NULL}"#)
    }

    @Test("status events are CloudEvents 1.0 with routing keys from their type")
    func statusEvent() throws {
        let event = StatusEvent(id: "e1", service: "dispatch", type: .ticketAssigned, subject: "KF20261123-000001",
                                time: Date(timeIntervalSince1970: 1_795_420_800),
                                data: StatusEventData(ticketNumber: "KF20261123-000001", status: "assigned",
                                                      occurredAt: Date(timeIntervalSince1970: 1_795_420_800)))
        #expect(event.routingKey == "ticket.assigned")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(KefuJSON.encode(event))) as? [String: Any])
        #expect(json["specversion"] as? String == "1.0")
        #expect(json["source"] as? String == "/kefu/dispatch")
        #expect(json["type"] as? String == "kefu.ticket.assigned")
        #expect(json["time"] as? String == "2026-11-23T08:00:00.000Z")
        #expect((json["data"] as? [String: Any])?["ticket_number"] as? String == "KF20261123-000001")
    }
}
