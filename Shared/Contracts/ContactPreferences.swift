public import Foundation

/// How a customer wants to be told about their tickets, kept in intake's archive and copied to
/// notification with every `customer.updated`.
public struct ContactPreferences: Codable, Sendable, Hashable {
    /// `email` or `sms`; nil lets notification choose by the contact points there are.
    public var channel: String?
    /// `zh-CN` or `en`; nil falls back to the ticket's language.
    public var language: String?
    /// Channels the customer asked never to be used.
    public var optOut: [String]
    /// Local times, `HH:mm`, in `timeZone`; an SMS waits until `quietHoursEnd` unless the ticket is P1.
    public var quietHoursStart: String?
    public var quietHoursEnd: String?
    /// An IANA zone such as `Asia/Shanghai`.
    public var timeZone: String?

    public static let channels = ["email", "sms"]

    enum CodingKeys: String, CodingKey {
        case channel, language
        case optOut = "opt_out"
        case quietHoursStart = "quiet_hours_start"
        case quietHoursEnd = "quiet_hours_end"
        case timeZone = "time_zone"
    }

    public init(channel: String? = nil, language: String? = nil, optOut: [String] = [], quietHoursStart: String? = nil,
                quietHoursEnd: String? = nil, timeZone: String? = nil) {
        self.channel = channel
        self.language = language
        self.optOut = optOut
        self.quietHoursStart = quietHoursStart
        self.quietHoursEnd = quietHoursEnd
        self.timeZone = timeZone
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        channel = try container.decodeIfPresent(String.self, forKey: .channel)
        language = try container.decodeIfPresent(String.self, forKey: .language)
        optOut = try container.decodeIfPresent([String].self, forKey: .optOut) ?? []
        quietHoursStart = try container.decodeIfPresent(String.self, forKey: .quietHoursStart)
        quietHoursEnd = try container.decodeIfPresent(String.self, forKey: .quietHoursEnd)
        timeZone = try container.decodeIfPresent(String.self, forKey: .timeZone)
    }

    /// Every problem, as JSON pointers under `prefix`.
    public func problems(at prefix: String = "") -> [FieldError] {
        var errors: [FieldError] = []
        if let channel, !Self.channels.contains(channel) {
            errors.append(FieldError(field: "\(prefix)/channel", message: "must be one of email, sms"))
        }
        if let language, !["zh-CN", "en"].contains(language) {
            errors.append(FieldError(field: "\(prefix)/language", message: "must be one of zh-CN, en"))
        }
        for (index, channel) in optOut.enumerated() where !Self.channels.contains(channel) {
            errors.append(FieldError(field: "\(prefix)/opt_out/\(index)", message: "must be one of email, sms"))
        }
        for (key, value) in [("quiet_hours_start", quietHoursStart), ("quiet_hours_end", quietHoursEnd)] {
            if let value, Self.minutes(value) == nil {
                errors.append(FieldError(field: "\(prefix)/\(key)", message: "must be a time of day, HH:mm"))
            }
        }
        if (quietHoursStart == nil) != (quietHoursEnd == nil) {
            errors.append(FieldError(field: "\(prefix)/quiet_hours_end", message: "quiet hours need both a start and an end"))
        }
        if let timeZone, TimeZone(identifier: timeZone) == nil {
            errors.append(FieldError(field: "\(prefix)/time_zone", message: "must be an IANA time zone such as Asia/Shanghai"))
        }
        return errors
    }

    /// Minutes after midnight of `HH:mm`, or nil.
    public static func minutes(_ time: String) -> Int? {
        let parts = time.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hours = Int(parts[0]), let minutes = Int(parts[1]), (0..<24).contains(hours), (0..<60).contains(minutes)
        else { return nil }
        return hours * 60 + minutes
    }
}
