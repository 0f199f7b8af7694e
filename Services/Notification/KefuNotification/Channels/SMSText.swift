/// SMS lengths: 160 characters of the GSM 7-bit alphabet in one message, 153 a part once split;
/// 70 and 67 for anything else (UCS-2), such as Chinese.
enum SMSText {
    private static let gsmBasic = Set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")

    static func isGSM(_ text: String) -> Bool { text.allSatisfy(gsmBasic.contains) }

    /// The text as the parts to send, numbered "(1/2) " when there is more than one, and cut
    /// with an ellipsis if even `maxParts` cannot hold it.
    static func parts(_ text: String, maxParts: Int) -> [String] {
        let gsm = isGSM(text)
        let single = gsm ? 160 : 70
        guard text.count > single else { return [text] }
        // Room for the "(n/m) " marker in each part.
        let perPart = (gsm ? 153 : 67) - 6
        var characters = Array(text)
        let fits = perPart * maxParts
        if characters.count > fits {
            characters = Array(characters.prefix(fits - 1)) + ["…"]
        }
        let chunks = stride(from: 0, to: characters.count, by: perPart).map {
            String(characters[$0..<min($0 + perPart, characters.count)])
        }
        return chunks.enumerated().map { "(\($0.offset + 1)/\(chunks.count)) \($0.element)" }
    }
}
