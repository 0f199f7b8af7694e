public import KefuContracts

/// One category of the taxonomy. A subcategory's id is its parent's id, a dot and its own name
/// (`fault.hardware`), so that reports can roll it up.
public struct Category: Codable, Sendable, Hashable {
    public var id: String
    public var parent: String?
    /// Display names by language tag, at least `en`.
    public var names: [String: String]
    public var defaultPriority: Priority
    public var slaClass: String
    /// A retired category stays known for old decisions but is no longer decided.
    public var retired: Bool

    enum CodingKeys: String, CodingKey {
        case id, parent, names, retired
        case defaultPriority = "default_priority"
        case slaClass = "sla_class"
    }

    public init(id: String, parent: String? = nil, names: [String: String], defaultPriority: Priority,
                slaClass: String, retired: Bool = false) {
        self.id = id
        self.parent = parent
        self.names = names
        self.defaultPriority = defaultPriority
        self.slaClass = slaClass
        self.retired = retired
    }

    /// `retired` is for the service to set; a category sent without it is in use.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        parent = try container.decodeIfPresent(String.self, forKey: .parent)
        names = try container.decode([String: String].self, forKey: .names)
        defaultPriority = try container.decode(Priority.self, forKey: .defaultPriority)
        slaClass = try container.decode(String.self, forKey: .slaClass)
        retired = try container.decodeIfPresent(Bool.self, forKey: .retired) ?? false
    }

    /// What a ticket falls back to when nothing better is known.
    public static let fallbackID = "other"
}

extension Category {
    /// The after-sales taxonomy a new installation starts with.
    public static let defaults: [Category] = [
        Category(id: "consultation", names: ["en": "Consultation", "zh-CN": "咨询"], defaultPriority: .p4, slaClass: "standard"),
        Category(id: "fault", names: ["en": "Fault", "zh-CN": "故障报修"], defaultPriority: .p3, slaClass: "standard"),
        Category(id: "fault.hardware", parent: "fault", names: ["en": "Hardware fault", "zh-CN": "硬件故障"],
                 defaultPriority: .p3, slaClass: "standard"),
        Category(id: "fault.software", parent: "fault", names: ["en": "Software fault", "zh-CN": "软件故障"],
                 defaultPriority: .p3, slaClass: "standard"),
        Category(id: "fault.configuration", parent: "fault", names: ["en": "Configuration fault", "zh-CN": "配置故障"],
                 defaultPriority: .p3, slaClass: "standard"),
        Category(id: "installation", names: ["en": "Installation and commissioning", "zh-CN": "安装调试"],
                 defaultPriority: .p3, slaClass: "standard"),
        Category(id: "maintenance", names: ["en": "Maintenance and routine inspection", "zh-CN": "保养/例行检查"],
                 defaultPriority: .p4, slaClass: "standard"),
        Category(id: "parts", names: ["en": "Parts", "zh-CN": "配件"], defaultPriority: .p3, slaClass: "standard"),
        Category(id: "return_refund", names: ["en": "Return or refund", "zh-CN": "退换货"], defaultPriority: .p3,
                 slaClass: "standard"),
        Category(id: "billing", names: ["en": "Billing", "zh-CN": "账单"], defaultPriority: .p3, slaClass: "standard"),
        Category(id: "complaint", names: ["en": "Complaint", "zh-CN": "投诉"], defaultPriority: .p2, slaClass: "complaint"),
        Category(id: "suggestion", names: ["en": "Suggestion", "zh-CN": "建议"], defaultPriority: .p4, slaClass: "standard"),
        Category(id: "other", names: ["en": "Other", "zh-CN": "其他"], defaultPriority: .p4, slaClass: "standard"),
    ]
}
