import KefuClassification
import KefuContracts
import KefuIntake
import Testing

@Suite("Keyword classification")
struct KeywordClassifierTests {
    let classifier = KeywordClassifier()

    @Test("Chinese fault report with urgent words is a raised-priority fault")
    func chineseFault() {
        let decision = classifier.classify(subject: "泵车臂架无法展开", body: "工地急用", language: nil, tier: .vip)
        #expect(decision.category == "fault")
        #expect(decision.priority == .p2)
        #expect(decision.language == "zh-CN")
        #expect(decision.rulesFired == ["category:fault", "priority:urgent-words"])
    }

    @Test("a key customer raises the priority by one more level")
    func keyCustomer() {
        let decision = classifier.classify(subject: nil, body: "The machine is down", language: nil, tier: .key)
        #expect(decision.priority == .p1)
        #expect(decision.slaClass == "emergency")
        #expect(decision.language == "en")
    }

    @Test("complaints are flagged and get the complaint SLA")
    func complaint() {
        let decision = classifier.classify(subject: "投诉", body: "服务态度差评", language: "zh-CN", tier: .standard)
        #expect(decision.category == "complaint")
        #expect(decision.complaint)
        #expect(decision.slaClass == "complaint")
    }

    @Test("nothing recognisable is 'other' at P4")
    func other() {
        let decision = classifier.classify(subject: nil, body: "hello there", language: nil, tier: .standard)
        #expect(decision.category == "other")
        #expect(decision.priority == .p4)
    }
}

@Suite("Contact normalisation")
struct ContactNormalizerTests {
    @Test("Chinese mobile numbers in their written forms become one E.164 number",
          arguments: ["138 0000 0000", "+86-138-0000-0000", "0086 13800000000", "8613800000000", "13800000000"])
    func chineseMobile(_ written: String) {
        #expect(ContactNormalizer.phone(written) == "+8613800000000")
    }

    @Test("landlines drop the trunk zero")
    func landline() {
        #expect(ContactNormalizer.phone("010-1234 5678") == "+861012345678")
    }

    @Test("emails are matched case-insensitively")
    func email() {
        #expect(ContactNormalizer.email(" ZW@Example.COM ") == "zw@example.com")
    }
}
