import Foundation
import KefuContracts

/// The customer's survey pages, in Simplified Chinese or English, small enough for a phone.
/// Everything put into them is HTML-escaped.
struct SurveyPages {
    let english: Bool

    init(language: String?) {
        english = language?.lowercased().hasPrefix("en") == true
    }

    private func t(_ chinese: String, _ english: String) -> String { self.english ? english : chinese }

    func form(ticketNumber: String, csrf: String, action: String, errors: [String: String] = [:],
              csat: String? = nil, nps: String? = nil, comment: String? = nil) -> String {
        let csatChoices = (1...5).map { score in
            radio(name: "csat", value: score, checked: csat == String(score),
                  label: score == 1 ? t("1 很不满意", "1 very dissatisfied") : score == 5 ? t("5 非常满意", "5 very satisfied") : "\(score)")
        }.joined()
        let npsChoices = (0...10).map { radio(name: "nps", value: $0, checked: nps == String($0), label: "\($0)") }.joined()
        return page(title: t("服务评价", "How did we do?"), body: """
            <h1>\(t("服务评价", "How did we do?"))</h1>
            <p class="muted">\(t("工单", "Ticket")) \(escape(ticketNumber))</p>
            <form method="post" action="\(escape(action))">
            <input type="hidden" name="csrf" value="\(escape(csrf))">
            <fieldset><legend>\(t("您对本次服务满意吗？", "How satisfied are you with our service?"))</legend>
            \(error(errors["csat"]))<div class="scale five">\(csatChoices)</div></fieldset>
            <fieldset><legend>\(t("您有多大可能向朋友推荐我们？（0–10）", "How likely are you to recommend us to a friend? (0–10)"))</legend>
            \(error(errors["nps"]))<div class="scale eleven">\(npsChoices)</div></fieldset>
            <label for="comment">\(t("还有什么想告诉我们的吗？", "Anything else you would like to tell us?"))</label>
            \(error(errors["comment"]))<textarea id="comment" name="comment" rows="4" maxlength="2000">\(escape(comment ?? ""))</textarea>
            <button type="submit">\(t("提交", "Send"))</button>
            </form>
            """)
    }

    func thanks(complaint: Bool) -> String {
        message(t("感谢您的评价", "Thank you"), complaint
                ? t("很抱歉这次没有让您满意。主管将跟进您的工单并与您联系。", "We are sorry we let you down. A supervisor will follow up your ticket and contact you.")
                : t("您的反馈已收到，祝您生活愉快！", "Your answer has been received."))
    }

    var alreadyAnswered: String {
        message(t("您已评价过", "Already answered"), t("这份问卷已经提交过了，感谢您的参与。", "This survey has already been answered. Thank you for taking part."))
    }

    var expired: String {
        message(t("问卷已过期", "This survey has expired"),
                t("这份问卷的有效期已过。如仍需帮助，请联系客服。", "The time to answer this survey has passed. If you still need help, please contact us."))
    }

    var notFound: String {
        message(t("找不到问卷", "Survey not found"), t("链接无效，请检查链接是否完整。", "This link is not valid. Please check that it is complete."))
    }

    var forbidden: String {
        message(t("无法提交", "Could not send"), t("页面已失效，请重新打开问卷链接后再提交。", "This page is no longer valid. Please open the survey link again and resend."))
    }

    var tooManyRequests: String {
        message(t("请稍后再试", "Please try again shortly"), t("请求过于频繁，请稍后再试。", "Too many requests. Please wait a moment and try again."))
    }

    private func message(_ title: String, _ text: String) -> String {
        page(title: title, body: "<h1>\(title)</h1><p>\(text)</p>")
    }

    private func radio(name: String, value: Int, checked: Bool, label: String) -> String {
        """
        <label class="choice"><input type="radio" name="\(name)" value="\(value)"\(checked ? " checked" : "")><span>\(escape(label))</span></label>
        """
    }

    private func error(_ text: String?) -> String {
        text.map { "<p class=\"error\">\(escape($0))</p>" } ?? ""
    }

    private func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(english ? "en" : "zh-CN")"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:0 auto;padding:1rem;max-width:32rem;line-height:1.5;color:#222}
        h1{font-size:1.4rem}.muted{color:#666}fieldset{border:0;padding:0;margin:1rem 0}legend{font-weight:600;margin-bottom:.5rem}
        .scale{display:flex;flex-wrap:wrap;gap:.4rem}.choice{flex:1 0 auto}.choice input{position:absolute;opacity:0}
        .choice span{display:block;text-align:center;padding:.6rem .5rem;border:1px solid #bbb;border-radius:.4rem;min-width:2rem}
        .choice input:checked+span{background:#1f6feb;color:#fff;border-color:#1f6feb}.choice input:focus+span{outline:2px solid #1f6feb}
        textarea{width:100%;box-sizing:border-box;font:inherit}button{margin-top:1rem;width:100%;padding:.8rem;font-size:1rem;
        background:#1f6feb;color:#fff;border:0;border-radius:.4rem}.error{color:#b00020;margin:.2rem 0}
        </style></head><body>
        \(body)
        </body></html>
        """
    }

    private func escape(_ text: String) -> String { HTML.escape(text) }
}
