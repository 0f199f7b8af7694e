import CIconv
import Foundation

/// Turns bytes in a declared charset into text, through the C library's iconv.
///
/// Bytes that are invalid in their charset become U+FFFD instead of failing the whole message:
/// a customer's mail with one bad byte is still a customer's mail.
public enum CharsetDecoder {
    public static func decode(_ bytes: some Collection<UInt8>, charset: String?) -> String {
        let bytes = Array(bytes)
        let name = iconvName(for: charset)
        if name == "UTF-8" { return String(decoding: bytes, as: UTF8.self) }
        guard let converted = convert(bytes, from: name) else {
            // An unknown charset label: UTF-8 is the best remaining guess.
            return String(decoding: bytes, as: UTF8.self)
        }
        return converted
    }

    /// Text from bytes whose charset nobody declared: UTF-8 when they are valid UTF-8, otherwise
    /// the fallback (mail software in China sends raw GB18030 headers more often than anything else).
    public static func decodeUndeclared(_ bytes: some Collection<UInt8>, fallback: String? = nil) -> String {
        let bytes = Array(bytes)
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return decode(bytes, charset: fallback ?? "gb18030")
    }

    /// The iconv name for a MIME charset label. GB2312 and GBK mail routinely contains characters
    /// only their superset GB18030 has, and Big5 mail characters only Big5-HKSCS has.
    static func iconvName(for label: String?) -> String {
        guard var label = label?.lowercased() else { return "UTF-8" }
        if let star = label.firstIndex(of: "*") { label = String(label[..<star]) }  // RFC 2231 language suffix
        switch label.trimmingCharacters(in: .whitespaces) {
        case "", "utf-8", "utf8", "us-ascii", "ascii", "unicode-1-1-utf-8": return "UTF-8"
        case "gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "x-euc-cn", "csgb2312", "ms936", "windows-936":
            return "GB18030"
        case "big5", "big5-hkscs", "cp950", "x-big5", "csbig5", "windows-950": return "BIG5-HKSCS"
        case let other: return other.uppercased()
        }
    }

    private static func convert(_ input: [UInt8], from charset: String) -> String? {
        let descriptor = iconv_open("UTF-8", charset)
        if kefu_iconv_failed(descriptor) != 0 { return nil }
        defer { iconv_close(descriptor) }

        var output: [UInt8] = []
        output.reserveCapacity(input.count * 2)
        var chunk = [UInt8](repeating: 0, count: 4096)
        var input = input
        var consumed = 0
        while consumed < input.count {
            let (read, written, failure) = input.withUnsafeMutableBufferPointer { source in
                chunk.withUnsafeMutableBufferPointer { target in
                    var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(source.baseAddress! + consumed)
                        .assumingMemoryBound(to: CChar.self)
                    var inLeft = source.count - consumed
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(target.baseAddress!)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = target.count
                    let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                    return (source.count - consumed - inLeft, target.count - outLeft, result == -1 ? errno : 0)
                }
            }
            output.append(contentsOf: chunk[..<written])
            consumed += read
            switch failure {
            case 0, E2BIG:
                continue
            default:
                // EILSEQ (an invalid sequence) or EINVAL (cut off at the end): mark it and move on.
                output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                consumed += 1
                iconv(descriptor, nil, nil, nil, nil)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
