extension MailMessage {
    /// Why this message was sent by a machine rather than a person, or nil. Bounces and
    /// auto-replies never open tickets: answering them starts mail loops.
    public var automaticReason: String? {
        // Reasons name known values only: they are stored and shown, and must not echo the mail.
        if let value = headers.ascii("Auto-Submitted")?.lowercased(), !value.hasPrefix("no") {
            let keyword = String(value.prefix { $0 != ";" && $0 != " " })
            let known = ["auto-generated", "auto-replied", "auto-notified"].contains(keyword)
            return known ? "Auto-Submitted: \(keyword)" : "Auto-Submitted header"
        }
        if let value = headers.ascii("Precedence")?.lowercased(), ["bulk", "junk", "list", "auto_reply"].contains(value) {
            return "Precedence: \(value)"
        }
        for name in ["X-Autoreply", "X-Autorespond", "X-Auto-Reply"] where headers.contains(name) {
            return "\(name) header"
        }
        if headers.ascii("X-Auto-Response-Suppress") != nil, subject?.lowercased().hasPrefix("automatic reply") == true {
            return "automatic reply"
        }
        let contentType = headers.first("Content-Type").map { HeaderParameters($0.raw, fallbackCharset: nil) }
        if contentType?.value == "multipart/report" {
            return "delivery report (multipart/report)"
        }
        if let local = from?.address.split(separator: "@").first?.lowercased(),
           ["mailer-daemon", "postmaster"].contains(local) {
            return "bounce from \(local)"
        }
        if headers.ascii("Return-Path") == "<>" {
            return "bounce (empty Return-Path)"
        }
        return nil
    }
}
