import Foundation

/// `kefu-<service> token --role integrator --subject pbx-gateway [--scopes a,b] [--expires-in 90d] [--rate 50]`:
/// the operator's command that issues a bearer token and prints it.
enum TokenCommand {
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    static let usage = """
        usage: kefu-<service> token --role integrator|agent|admin --subject NAME
                                    [--scopes SCOPE,...] [--expires-in 90d|12h|30m|3600s] [--rate REQUESTS_PER_SECOND]
        scopes: \(Scope.all.map(\.rawValue).joined(separator: ", "))
        """

    static func run(_ arguments: [String], signer: TokenSigner) throws {
        let token = try parse(arguments)
        print(try signer.sign(token))
    }

    static func parse(_ arguments: [String], now: Date = Date()) throws -> AccessToken {
        var options: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            guard name.hasPrefix("--"), index + 1 < arguments.count else { throw UsageError(description: usage) }
            options[String(name.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
        guard let roleName = options.removeValue(forKey: "role"), let role = Role(rawValue: roleName) else {
            throw UsageError(description: "--role must be integrator, agent or admin\n" + usage)
        }
        guard let subject = options.removeValue(forKey: "subject"), !subject.isEmpty, subject.count <= 200 else {
            throw UsageError(description: "--subject names who the token is for\n" + usage)
        }
        var scopes: [Scope]?
        if let list = options.removeValue(forKey: "scopes") {
            scopes = list.split(separator: ",").map { Scope(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
            if let unknown = scopes?.first(where: { !Scope.all.contains($0) }) {
                throw UsageError(description: "unknown scope \(unknown)\n" + usage)
            }
        }
        let lifetime = try duration(options.removeValue(forKey: "expires-in") ?? "90d")
        var rate: Double?
        if let text = options.removeValue(forKey: "rate") {
            guard let value = Double(text), value > 0 else { throw UsageError(description: "--rate must be a positive number") }
            rate = value
        }
        if let unknown = options.keys.sorted().first { throw UsageError(description: "unknown option --\(unknown)\n" + usage) }
        return AccessToken(subject: subject, role: role, scopes: scopes, issuedAt: now, lifetime: lifetime, rateLimit: rate)
    }

    static func duration(_ text: String) throws -> Duration {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        guard let unit = text.last, let seconds = units[unit], let count = Int64(text.dropLast()), count > 0 else {
            throw UsageError(description: "--expires-in must be a number with s, m, h or d, e.g. 90d")
        }
        return .seconds(count * seconds)
    }
}
