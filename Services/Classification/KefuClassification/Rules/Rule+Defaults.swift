extension Rule {
    /// The rules a new installation starts with: after-sales keywords in Chinese and English.
    /// Category rules come first in the order a person would check them, the most specific first.
    /// All are fallbacks: a trained model that is sure outranks a keyword (issue 20: keywords such
    /// as "how do" or "payment" buried a model that was right nine times in ten). The complaint
    /// flag and the priority raises are not categories, so they apply either way.
    public static let defaults: [Rule] = {
        func keywords(_ name: String, _ words: [String], then action: Action) -> (String, Condition, Action) {
            (name, Condition(field: "text", match: .keywords, values: words), action)
        }
        let rules: [(String, Condition, Action)] = [
            keywords("complaint words", ["投诉", "差评", "complaint", "complain", "complaining"],
                     then: Action(category: "complaint", complaint: true)),
            keywords("return or refund words", ["退货", "换货", "退款", "refund", "refunded", "return", "returned", "returning"], then: Action(category: "return_refund")),
            keywords("billing words", ["账单", "发票", "付款", "扣费", "invoice", "invoices", "bill", "billed", "billing", "payment",
                                "charged", "overcharged"],
                     then: Action(category: "billing")),
            keywords("parts words", ["配件", "零件", "备件", "spare part", "spare parts", "parts"], then: Action(category: "parts")),
            keywords("installation words", ["安装", "调试", "install", "installed", "installing", "installation",
                                                                  "commissioning", "set up"], then: Action(category: "installation")),
            keywords("maintenance words", ["保养", "巡检", "例行检查", "maintenance", "inspection", "service visit"], then: Action(category: "maintenance")),
            keywords("fault words", ["故障", "报修", "无法", "不能", "坏了", "失灵", "异常", "停机", "fault", "broken",
                                     "not working", "error", "errors", "fail", "fails", "failed", "failure", "down"], then: Action(category: "fault")),
            keywords("suggestion words", ["建议", "suggest", "suggestion", "feature request"], then: Action(category: "suggestion")),
            keywords("consultation words", ["咨询", "请问", "如何", "怎么", "question", "how do", "how to"],
                     then: Action(category: "consultation")),
            keywords("urgent words raise the priority", ["停机", "无法使用", "安全", "紧急", "急用", "事故", "urgent", "emergency",
                                                          "safety", "down"], then: Action(raisePriority: 1)),
            ("key customers one level up", Condition(field: "customer_tier", match: .equals, values: ["key"]), Action(raisePriority: 1)),
            keywords("complaint flag", ["投诉", "差评", "complaint", "complain", "complaining"], then: Action(complaint: true)),
        ]
        return rules.enumerated().map { index, rule in
            Rule(name: rule.0, position: (index + 1) * 100, precedence: .fallback, when: [rule.1], then: rule.2)
        }
    }()
}
