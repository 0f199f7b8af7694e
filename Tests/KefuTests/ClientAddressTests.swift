import HTTPTypes
import KefuServiceKit
import Testing

@Suite("The client's address behind proxies")
struct ClientAddressTests {
    let resolver = ClientAddress(list: "10.0.0.1, 10.0.0.2")

    func headers(_ pairs: [String: String]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs { fields[HTTPField.Name(name)!] = value }
        return fields
    }

    @Test("an untrusted peer is the client, whatever it claims")
    func untrusted() {
        #expect(resolver.resolve(peer: "198.51.100.7", headers: headers(["X-Forwarded-For": "192.0.2.1"])) == "198.51.100.7")
        #expect(resolver.resolve(peer: "198.51.100.7", headers: headers(["Forwarded": "for=192.0.2.1"])) == "198.51.100.7")
        #expect(ClientAddress(list: nil).resolve(peer: "127.0.0.1", headers: headers(["X-Forwarded-For": "192.0.2.1"])) == "127.0.0.1")
    }

    @Test("behind trusted proxies, the nearest address that is not one of them")
    func trusted() {
        #expect(resolver.resolve(peer: "10.0.0.1", headers: headers(["X-Forwarded-For": "192.0.2.1"])) == "192.0.2.1")
        // The client may forge the left of the chain; only what our own proxies appended counts.
        #expect(resolver.resolve(peer: "10.0.0.1", headers: headers(["X-Forwarded-For": "6.6.6.6, 192.0.2.1, 10.0.0.2"])) == "192.0.2.1")
        #expect(resolver.resolve(peer: "10.0.0.1", headers: headers(["Forwarded": "for=\"[2001:db8::1]:4711\";proto=https"])) == "2001:db8::1")
        #expect(resolver.resolve(peer: "10.0.0.1", headers: headers(["Forwarded": "for=192.0.2.60:8080, for=10.0.0.2"])) == "192.0.2.60")
        #expect(resolver.resolve(peer: "10.0.0.1", headers: headers([:])) == "10.0.0.1", "no header: the proxy itself")
    }
}
