import Foundation

extension Submission {
    /// Parses and checks a submission, collecting every problem rather than stopping at the first.
    ///
    /// Decoding is strict: unknown fields and wrong types are errors, so that a gateway's typo is
    /// reported instead of silently dropped. `expectedChannel` is the channel named by the AMQP
    /// routing key, when there is one; the body must agree with it.
    public static func validate(json bytes: [UInt8], expectedChannel: String? = nil) -> Result<Submission, ValidationError> {
        if String(validating: bytes, as: UTF8.self) == nil {
            let offset = Self.firstInvalidUTF8Offset(bytes)
            return .failure(ValidationError([FieldError(field: "", message: "is not valid UTF-8 (byte \(offset))")]))
        }
        let value: JSONValue
        do {
            value = try KefuJSON.decode(JSONValue.self, from: bytes)
        } catch {
            return .failure(ValidationError([FieldError(field: "", message: "is not valid JSON")]))
        }
        guard case .object(let object) = value else {
            return .failure(ValidationError([FieldError(field: "", message: "must be a JSON object, not \(value.kindName)")]))
        }
        var checker = FieldChecker()
        let submission = checker.submission(object, expectedChannel: expectedChannel)
        if let submission, checker.errors.isEmpty { return .success(submission) }
        return .failure(ValidationError(checker.errors))
    }

    /// One `local@domain.tld` address, without blanks.
    public static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }

    /// A calendar date, `YYYY-MM-DD`.
    public static func isCalendarDate(_ text: String) -> Bool {
        CalendarDate(text) != nil
    }

    /// Where the first byte that breaks UTF-8 is, so a gateway can find it.
    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while case .scalarValue(let scalar) = decoder.decode(&iterator) {
            offset += UTF8.width(scalar)
        }
        return offset
    }
}

/// Walks a decoded JSON object and records a `FieldError` for every rule broken.
private struct FieldChecker {
    var errors: [FieldError] = []

    mutating func fail(_ field: String, _ message: String) {
        errors.append(FieldError(field: field, message: message))
    }

    mutating func rejectUnknown(_ object: [String: JSONValue], allowed: Set<String>, at path: String) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            fail("\(path)/\(escape(key))", "is not a field of this contract")
        }
    }

    /// A JSON pointer segment (RFC 6901). A NUL is spelled out, as stored errors go to jsonb.
    private func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            .replacingNUL(with: "\\u0000")
    }

    mutating func string(_ object: [String: JSONValue], _ key: String, at path: String, required: Bool = false,
                         maxLength: Int = 1000, maxCharacters: Int? = nil) -> String? {
        let field = "\(path)/\(key)"
        switch object[key] {
        case nil, .null?:
            if required { fail(field, "is required") }
            return nil
        case .string(let text)?:
            if text.utf8.contains(0) {
                fail(field, "must not contain NUL characters")
                return nil
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if required && trimmed.isEmpty {
                fail(field, "must not be empty")
                return nil
            }
            if let maxCharacters, text.count > maxCharacters {
                fail(field, "is longer than \(maxCharacters) characters")
                return nil
            }
            if text.utf8.count > maxLength {
                fail(field, "is longer than \(maxLength) bytes")
                return nil
            }
            return trimmed.isEmpty ? nil : text
        case let other?:
            fail(field, "must be a string, not \(other.kindName)")
            return nil
        }
    }

    mutating func object(_ object: [String: JSONValue], _ key: String, at path: String) -> [String: JSONValue]? {
        switch object[key] {
        case nil, .null?: return nil
        case .object(let nested)?: return nested
        case let other?:
            fail("\(path)/\(key)", "must be an object, not \(other.kindName)")
            return nil
        }
    }

    mutating func submission(_ root: [String: JSONValue], expectedChannel: String?) -> Submission? {
        rejectUnknown(root, allowed: ["submission_id", "channel", "ticket_number", "received_at", "customer", "subject",
                                      "body", "language", "product", "attachments", "metadata"], at: "")
        let submissionID = string(root, "submission_id", at: "", required: true, maxLength: 200)
        var channel: Submission.Channel?
        if let text = string(root, "channel", at: "", required: true, maxLength: 20) {
            channel = Submission.Channel(rawValue: text)
            if channel == nil {
                fail("/channel", "must be one of \(Submission.Channel.allCases.map(\.rawValue).joined(separator: ", "))")
            } else if let expectedChannel, expectedChannel != text {
                fail("/channel", "does not match the routing key submit.\(expectedChannel)")
            }
        }
        var receivedAt: Date?
        if let text = string(root, "received_at", at: "", maxLength: 40) {
            receivedAt = RFC3339.parse(text)
            if receivedAt == nil { fail("/received_at", "must be an RFC 3339 timestamp") }
        }
        let customer = self.customer(root)
        let ticketNumber = string(root, "ticket_number", at: "", maxLength: 40)
        if let ticketNumber, !ticketNumber.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            fail("/ticket_number", "must be a ticket number such as KF-20261123-000001")
        }
        let subject = string(root, "subject", at: "", maxLength: 4 * Submission.maximumSubjectCharacters,
                             maxCharacters: Submission.maximumSubjectCharacters)
        let body = string(root, "body", at: "", required: true, maxLength: Submission.maximumBodyBytes)
        let language = string(root, "language", at: "", maxLength: 35)
        let product = self.product(root)
        let attachments = self.attachments(root)
        var metadata: [String: JSONValue]?
        if let nested = object(root, "metadata", at: "") {
            for (key, value) in nested.sorted(by: { $0.key < $1.key }) {
                if key.utf8.contains(0) { fail("/metadata/\(escape(key))", "names must not contain NUL characters") }
                switch value {
                case .object where key == "site":
                    site(value)
                case .null where key == "site":
                    break
                case _ where key == "site":
                    fail("/metadata/site", "must be an object with latitude and longitude")
                case .object, .array:
                    fail("/metadata/\(escape(key))", "must be a string, number, boolean or null (only `site` is an object)")
                case .string(let text) where text.utf8.contains(0):
                    fail("/metadata/\(escape(key))", "must not contain NUL characters")
                default: break
                }
            }
            metadata = nested
        }
        guard let submissionID, let channel, let customer, let body else { return nil }
        return Submission(submissionID: submissionID, channel: channel, ticketNumber: ticketNumber,
                          receivedAt: receivedAt, customer: customer,
                          subject: subject, body: body, language: language, product: product,
                          attachments: attachments, metadata: metadata)
    }

    /// `metadata.site`: where field work happens, `{"latitude", "longitude"}` in degrees, for the
    /// nearest field engineer and the on-site clock (docs/http-api.md).
    private mutating func site(_ value: JSONValue) {
        guard case .object(let site) = value else { return }
        for key in site.keys where key != "latitude" && key != "longitude" {
            fail("/metadata/site/\(escape(key))", "is not a field of a site; a site has latitude and longitude")
        }
        for (key, range) in [("latitude", -90.0...90.0), ("longitude", -180.0...180.0)] {
            guard case .number(let degrees)? = site[key] else {
                fail("/metadata/site/\(key)", "must be a number of degrees")
                continue
            }
            if !range.contains(degrees) {
                fail("/metadata/site/\(key)", "must be from \(Int(range.lowerBound)) to \(Int(range.upperBound)) degrees")
            }
        }
    }

    mutating func customer(_ root: [String: JSONValue]) -> Submission.Customer? {
        guard root["customer"] != nil, root["customer"] != .null else {
            fail("/customer", "is required, with at least one of phone, email or external_id")
            return nil
        }
        guard let object = object(root, "customer", at: "") else { return nil }
        rejectUnknown(object, allowed: ["name", "phone", "email", "external_id", "tier"], at: "/customer")
        let name = string(object, "name", at: "/customer", maxLength: 200)
        let phone = string(object, "phone", at: "/customer", maxLength: 40)
        if let phone, phone.filter(\.isNumber).count < 5 {
            fail("/customer/phone", "must contain a telephone number")
        }
        let email = string(object, "email", at: "/customer", maxLength: 320)
        if let email, !Self.looksLikeEmail(email) {
            fail("/customer/email", "must be an email address")
        }
        let externalID = string(object, "external_id", at: "/customer", maxLength: 200)
        var tier: Submission.Tier?
        if let text = string(object, "tier", at: "/customer", maxLength: 20) {
            tier = Submission.Tier(rawValue: text)
            if tier == nil { fail("/customer/tier", "must be one of standard, vip, key") }
        }
        // A blank contact is no contact; one already refused for its form is not named twice.
        let offered = ["phone", "email", "external_id"].contains { key in
            switch object[key] {
            case nil, .null?: false
            case .string(let text)?: !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            default: true
            }
        }
        if phone == nil && email == nil && externalID == nil && !offered {
            fail("/customer", "needs at least one of phone, email or external_id")
        }
        return Submission.Customer(name: name, phone: phone, email: email, externalID: externalID, tier: tier)
    }

    mutating func product(_ root: [String: JSONValue]) -> Submission.Product? {
        guard let object = object(root, "product", at: "") else { return nil }
        rejectUnknown(object, allowed: ["model", "serial", "delivered_on"], at: "/product")
        let deliveredOn = string(object, "delivered_on", at: "/product", maxLength: 10)
        if let deliveredOn, !Self.isCalendarDate(deliveredOn) {
            fail("/product/delivered_on", "must be a date, YYYY-MM-DD")
        }
        return Submission.Product(model: string(object, "model", at: "/product", maxLength: 200),
                                  serial: string(object, "serial", at: "/product", maxLength: 200),
                                  deliveredOn: deliveredOn)
    }

    mutating func attachments(_ root: [String: JSONValue]) -> [Submission.Attachment]? {
        switch root["attachments"] {
        case nil, .null?: return nil
        case .array(let items)?:
            if items.count > Submission.maximumAttachments {
                fail("/attachments", "has \(items.count) entries; at most \(Submission.maximumAttachments) are allowed")
            }
            var attachments = [Submission.Attachment]()
            for (index, item) in items.enumerated() {
                let path = "/attachments/\(index)"
                guard case .object(let object) = item else {
                    fail(path, "must be an object, not \(item.kindName)")
                    continue
                }
                rejectUnknown(object, allowed: ["filename", "content_type", "size", "url", "sha256"], at: path)
                let filename = string(object, "filename", at: path, required: true, maxLength: 255)
                var size: Int?
                switch object["size"] {
                case nil, .null?: break
                case .number(let number)? where number >= 0 && number == number.rounded() && number <= Double(Int32.max) * 1024:
                    size = Int(number)
                default: fail("\(path)/size", "must be a whole number of bytes, at most 2 TiB")
                }
                let sha256 = string(object, "sha256", at: path, maxLength: 64)
                if let sha256, sha256.count != 64 || !sha256.allSatisfy(\.isHexDigit) {
                    fail("\(path)/sha256", "must be 64 hexadecimal digits")
                }
                if let filename {
                    attachments.append(Submission.Attachment(
                        filename: filename, contentType: string(object, "content_type", at: path, maxLength: 200),
                        size: size, url: string(object, "url", at: path, maxLength: 2000), sha256: sha256?.lowercased()))
                }
            }
            return attachments
        case let other?:
            fail("/attachments", "must be an array, not \(other.kindName)")
            return nil
        }
    }

    static func looksLikeEmail(_ text: String) -> Bool { Submission.looksLikeEmail(text) }

    static func isCalendarDate(_ text: String) -> Bool { Submission.isCalendarDate(text) }
}
