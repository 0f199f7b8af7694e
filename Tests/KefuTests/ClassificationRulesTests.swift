import KefuClassification
import KefuContracts
import Testing

@Suite("Classification rules: every kind of condition, and how actions combine")
struct ClassificationRulesTests {
    func decide(_ rules: [Rule], _ facts: TicketFacts) -> Decision {
        Decider(policy: Policy(rules: rules, categories: Category.defaults, settings: .init(), revision: 1), model: nil)
            .decide(facts)
    }

    func rule(_ name: String, at position: Int, _ conditions: [Rule.Condition], _ action: Rule.Action,
              enabled: Bool = true) -> Rule {
        Rule(id: position, name: name, position: position, enabled: enabled, when: conditions, then: action)
    }

    func text(_ match: Rule.Match, _ values: String..., field: String = "text") -> Rule.Condition {
        Rule.Condition(field: field, match: match, values: values)
    }

    @Test("the default rules: a Chinese fault report with urgent words is a fault one level up")
    func defaultChineseFault() {
        let decision = decide(Rule.defaults, TicketFacts(subject: "泵车臂架无法展开", body: "工地急用", customerTier: "vip"))
        #expect(decision.category == "fault")
        #expect(decision.categorySource == .rule)
        #expect(decision.priority == .p2)
        #expect(decision.language == "zh-CN")
        #expect(decision.rulesFired.map(\.name) == ["fault words", "urgent words raise the priority"])
    }

    @Test("the default rules: a key customer's machine down is P1 with the emergency SLA")
    func defaultKeyCustomer() {
        let decision = decide(Rule.defaults, TicketFacts(subject: nil, body: "The machine is down", customerTier: "key"))
        #expect(decision.priority == .p1)
        #expect(decision.slaClass == "emergency")
        #expect(decision.language == "en")
    }

    @Test("the default rules: complaints are flagged and get the complaint SLA")
    func defaultComplaint() {
        let decision = decide(Rule.defaults, TicketFacts(subject: "投诉", body: "服务态度差评", language: "zh-CN"))
        #expect(decision.category == "complaint")
        #expect(decision.complaint)
        #expect(decision.slaClass == "complaint")
        #expect(decision.priority == .p2)
    }

    @Test("nothing recognised and no model: triage, with 'other' at P4 as the guess")
    func nothingRecognised() {
        let decision = decide(Rule.defaults, TicketFacts(subject: nil, body: "hello there"))
        #expect(decision.category == "other")
        #expect(decision.categorySource == .triage)
        #expect(decision.triage?.reason == .noModel)
        #expect(decision.priority == .p4)
        #expect(decision.rulesFired.isEmpty)
    }

    @Test("English keywords match whole words only; Chinese keywords match anywhere")
    func keywords() {
        let rules = [rule("down", at: 1, [text(.keywords, "down", "停机")], .init(category: "fault"))]
        #expect(decide(rules, TicketFacts(subject: nil, body: "please download the manual")).categorySource == .triage)
        #expect(decide(rules, TicketFacts(subject: nil, body: "Line 3 is DOWN.")).category == "fault")
        #expect(decide(rules, TicketFacts(subject: nil, body: "设备停机了")).category == "fault")
        #expect(decide(rules, TicketFacts(subject: nil, body: "机器down了")).category == "fault")
    }

    @Test("a phrase matches its words in order, whatever the spacing and punctuation between them")
    func phrase() {
        let rules = [rule("no power", at: 1, [text(.phrase, "no power on")], .init(category: "fault.hardware"))]
        #expect(decide(rules, TicketFacts(subject: nil, body: "There is NO   power, on the unit")).category == "fault.hardware")
        #expect(decide(rules, TicketFacts(subject: nil, body: "power on, no display")).categorySource == .triage)
    }

    @Test("a regular expression matches, ignoring case, in the field it names")
    func regex() {
        let rules = [rule("error code", at: 1, [text(.regex, #"\bE-?\d{3}\b"#, field: "subject")], .init(category: "fault.software"))]
        #expect(decide(rules, TicketFacts(subject: "display shows e-042", body: "")).category == "fault.software")
        #expect(decide(rules, TicketFacts(subject: nil, body: "display shows E042")).categorySource == .triage)
    }

    @Test("equals matches channel, customer tier, product model and metadata")
    func equals() {
        let rules = [
            rule("revisits", at: 1, [text(.equals, "revisit", field: "channel")], .init(category: "maintenance")),
            rule("vip", at: 2, [text(.equals, "VIP", field: "customer_tier")], .init(raisePriority: 1)),
            rule("old model", at: 3, [text(.equals, "SY215C", field: "product_model")], .init(slaClass: "legacy")),
            rule("ivr emergency", at: 4, [text(.equals, "9", field: "metadata.ivr_key")], .init(priority: .p1)),
        ]
        let decision = decide(rules, TicketFacts(subject: nil, body: "x", channel: "revisit", customerTier: "vip",
                                                 productModel: "sy215c", metadata: ["ivr_key": .number(9)]))
        #expect(decision.category == "maintenance")
        #expect(decision.priority == .p1)
        #expect(decision.slaClass == "legacy")
        #expect(decision.rulesFired.count == 4)
        let none = decide(rules, TicketFacts(subject: nil, body: "x", channel: "phone", customerTier: "standard",
                                             metadata: ["ivr_key": .string("1")]))
        #expect(none.rulesFired.isEmpty)
    }

    @Test("all conditions of a rule must hold")
    func conditionsAreAnded() {
        let rules = [rule("email refunds", at: 1, [text(.keywords, "refund"), text(.equals, "email", field: "channel")],
                          .init(category: "return_refund"))]
        #expect(decide(rules, TicketFacts(subject: nil, body: "refund please", channel: "email")).category == "return_refund")
        #expect(decide(rules, TicketFacts(subject: nil, body: "refund please", channel: "phone")).categorySource == .triage)
    }

    @Test("the first plain category wins; an override beats it wherever it stands; the first override wins")
    func categoryPrecedence() {
        let plainFirst = rule("billing", at: 10, [text(.keywords, "invoice")], .init(category: "billing"))
        let plainSecond = rule("parts", at: 20, [text(.keywords, "invoice")], .init(category: "parts"))
        let overrideLate = rule("complaint wins", at: 30, [text(.keywords, "angry")], .init(category: "complaint", overrideCategory: true))
        let overrideLater = rule("suggestion", at: 40, [text(.keywords, "angry")], .init(category: "suggestion", overrideCategory: true))
        let facts = TicketFacts(subject: nil, body: "angry about this invoice")
        #expect(decide([plainSecond, plainFirst], TicketFacts(subject: nil, body: "invoice")).category == "billing")
        #expect(decide([plainFirst, plainSecond, overrideLater, overrideLate], facts).category == "complaint")
        let disabled = rule("off", at: 1, [text(.keywords, "invoice")], .init(category: "other"), enabled: false)
        #expect(decide([disabled, plainFirst], TicketFacts(subject: nil, body: "invoice")).category == "billing")
    }

    @Test("a set priority replaces the category's default, raises add up and stop at P1")
    func priorityPrecedence() {
        let setP3 = rule("p3", at: 1, [text(.keywords, "x")], .init(priority: .p3))
        let setP4 = rule("p4", at: 2, [text(.keywords, "x")], .init(priority: .p4))
        let raise = rule("raise", at: 3, [text(.keywords, "x")], .init(raisePriority: 1))
        let raiseTwo = rule("raise two", at: 4, [text(.keywords, "y")], .init(raisePriority: 2))
        #expect(decide([setP3, setP4], TicketFacts(subject: nil, body: "x")).priority == .p3)
        #expect(decide([setP4, raise], TicketFacts(subject: nil, body: "x")).priority == .p3)
        #expect(decide([setP3, raise, raiseTwo], TicketFacts(subject: nil, body: "x y")).priority == .p1)
        #expect(decide([setP3, raise, raiseTwo], TicketFacts(subject: nil, body: "x y")).slaClass == "emergency")
    }

    @Test("the explanation names each rule that fired and what it asked for")
    func explanation() {
        let rules = [rule("complaint flag", at: 1, [text(.keywords, "差评")], .init(complaint: true, slaClass: "vip-complaint"))]
        let decision = decide(rules, TicketFacts(subject: nil, body: "给个差评"))
        #expect(decision.complaint)
        #expect(decision.slaClass == "vip-complaint")
        #expect(decision.rulesFired == [RuleEngine.FiredRule(id: 1, name: "complaint flag",
                                                             effects: ["flags a complaint", "sets SLA class vip-complaint"])])
    }
}

@Suite("Rule and category validation")
struct RuleValidationTests {
    let categories = Dictionary(uniqueKeysWithValues: Category.defaults.map { ($0.id, $0) })

    @Test("each fault is named by its field")
    func problems() {
        let bad = Rule(name: " ", position: 1, when: [
            .init(field: "colour", match: .keywords, values: ["red"]),
            .init(field: "channel", match: .keywords, values: ["email"]),
            .init(field: "text", match: .regex, values: ["(unclosed"]),
            .init(field: "metadata.key", match: .equals, values: []),
        ], then: .init(category: "nonsense", raisePriority: 5))
        let fields = bad.problems(categories: categories).map(\.field)
        #expect(fields == ["/name", "/when/0/field", "/when/1/match", "/when/2/values/0", "/when/3/values",
                           "/then/category", "/then/raise_priority"])
        let empty = Rule(name: "nothing", position: 1, when: [.init(field: "text", match: .keywords, values: ["x"])], then: .init())
        #expect(empty.problems(categories: categories).map(\.field) == ["/then"])
        #expect(Rule.defaults.allSatisfy { $0.problems(categories: categories).isEmpty })
    }

    @Test("subcategories sit under a top-level category and carry its id")
    func categoryProblems() {
        let good = Category(id: "fault.network", parent: "fault", names: ["en": "Network"], defaultPriority: .p3, slaClass: "standard")
        #expect(good.problems(in: categories).isEmpty)
        let orphan = Category(id: "network.wifi", parent: "network", names: ["en": "Wi-Fi"], defaultPriority: .p3, slaClass: "standard")
        #expect(orphan.problems(in: categories).map(\.field) == ["/parent"])
        let deep = Category(id: "fault.hardware.x", parent: "fault.hardware", names: [:], defaultPriority: .p3, slaClass: "")
        #expect(deep.problems(in: categories).map(\.field) == ["/id", "/names/en", "/sla_class", "/parent"])
    }
}

@Suite("Rules and model together")
struct DeciderTests {
    static let model = TextModel.train([
        ("is my excavator still under warranty", "warranty"), ("warranty period for the pump truck", "warranty"),
        ("does the warranty cover the hydraulic hose", "warranty"), ("extend the warranty of my crane", "warranty"),
        ("warranty card lost, can you check by serial", "warranty"), ("保修期还有多久", "warranty"),
        ("when will my order arrive", "delivery"), ("track my shipment please", "delivery"),
        ("the truck with my machine has not arrived", "delivery"), ("delivery date of order 5521", "delivery"),
        ("where is my shipment now", "delivery"), ("快递什么时候到", "delivery"),
    ].map { TextModel.Example(text: $0.0, label: $0.1) })

    func decider(threshold: Double) -> Decider {
        var settings = ClassificationSettings()
        settings.modelThreshold = threshold
        return Decider(policy: Policy(rules: Rule.defaults, categories: Category.defaults, settings: settings, revision: 1),
                       model: .init(version: 7, model: Self.model))
    }

    @Test("a sure model decides what no rule did, and its opinion is explained")
    func modelDecides() throws {
        let decision = decider(threshold: 0.3).decide(TicketFacts(subject: nil, body: "where is my shipment, it has not arrived"))
        #expect(decision.categorySource == .model)
        #expect(decision.category == "delivery")
        let opinion = try #require(decision.model)
        #expect(opinion.used && opinion.version == 7 && opinion.category == decision.category)
        #expect(opinion.top.first?.category == opinion.category)
        #expect(opinion.top.first?.probability == opinion.confidence)
        #expect(opinion.top.map(\.probability) == opinion.top.map(\.probability).sorted(by: >))
        // A category the taxonomy does not know takes the fallback's priority and SLA.
        #expect(decision.priority == .p4 && decision.slaClass == "standard")
    }

    @Test("a sure model outranks a seeded (fallback) rule; an unsure one does not; before-model and override rules win")
    func precedence() throws {
        let text = TicketFacts(subject: nil, body: "invoice for the shipment that has not arrived")
        let sure = decider(threshold: 0.3).decide(text)
        #expect(sure.category == "delivery" && sure.categorySource == .model && sure.model?.used == true)
        #expect(sure.categoryReason?.contains("outranking fallback rule \"billing words\"") == true)
        let unsure = decider(threshold: 1).decide(text)
        #expect(unsure.category == "billing" && unsure.categorySource == .rule && unsure.model?.used == false)
        #expect(unsure.categoryReason?.contains("the model is unsure") == true)

        func with(_ extra: Rule) -> Decider {
            Decider(policy: Policy(rules: Rule.defaults + [extra], categories: Category.defaults, settings: .init(), revision: 1),
                    model: .init(version: 7, model: Self.model))
        }
        let first = Rule(name: "invoices first", position: 5000, precedence: .beforeModel,
                         when: [.init(field: "text", match: .keywords, values: ["invoice"])], then: .init(category: "billing"))
        let decided = with(first).decide(text)
        #expect(decided.category == "billing" && decided.categoryReason == "rule \"invoices first\" comes before the model")
        let always = Rule(name: "shipments are parts", position: 9000, precedence: .override,
                          when: [.init(field: "text", match: .keywords, values: ["shipment"])], then: .init(category: "parts"))
        #expect(with(always).decide(text).category == "parts")
        // The complaint flag is no category: it is set whoever decides the category.
        #expect(decider(threshold: 0.3).decide(TicketFacts(subject: nil, body: "complaint: my shipment has not arrived")).complaint)
    }

    @Test("below the threshold, or on text unlike any it knows, the ticket goes to triage with the model's guess")
    func triage() {
        let unsure = decider(threshold: 0.99).decide(TicketFacts(subject: nil, body: "hello there"))
        #expect(unsure.categorySource == .triage && unsure.triage?.reason == .lowConfidence)
        #expect(unsure.category == unsure.model?.category)
        let garbage = decider(threshold: 0.3).decide(TicketFacts(subject: nil, body: "#### ???? ////"))
        #expect(garbage.triage?.reason == .outOfScope)
        #expect(garbage.model?.unfamiliarText == true)
        let empty = decider(threshold: 0.3).decide(TicketFacts(subject: nil, body: ""))
        #expect(empty.triage?.reason == .outOfScope)
        #expect(empty.language == "und")
    }

    @Test("a person's verdict sets category and priority, and rules still add their flags")
    func person() {
        let decision = decider(threshold: 0.5).decide(TicketFacts(subject: nil, body: "差评！货还没到"), person: ("parts", .p2))
        #expect(decision.categorySource == .person)
        #expect(decision.category == "parts" && decision.priority == .p2)
        #expect(decision.complaint)
    }

    @Test("64 KiB of text is classified")
    func longText() {
        let body = String(repeating: "warranty 保修 ", count: 64 * 1024 / 14)
        let decision = decider(threshold: 0.3).decide(TicketFacts(subject: nil, body: body))
        #expect(decision.model?.category == "warranty")
    }
}

@Suite("Language detection")
struct LanguageDetectorTests {
    @Test("script first, then common words", arguments: [
        ("泵车臂架无法展开 SY215C", "zh-CN"), ("エアコンが動きません", "ja"), ("에어컨이 작동하지 않습니다", "ko"),
        ("Кондиционер не работает", "ru"), ("The pump is not working", "en"), ("La machine ne fonctionne pas avec le moteur", "fr"),
        ("Die Maschine funktioniert nicht mit dem Motor", "de"), ("12345 ---", "und"), ("SY215C E042", "en"),
    ])
    func detect(_ text: String, _ expected: String) {
        #expect(LanguageDetector.detect(text) == expected)
    }
}
