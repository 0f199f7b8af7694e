import Foundation
import KefuContracts
@testable import KefuKnowledge
import Mustache
import Testing

@Suite("Knowledge: tokens, ranking, safe Markdown, redaction and import parsing, without servers")
struct KnowledgeLogicTests {
    static func document(_ id: String, _ title: String, _ body: String, language: String = "zh-CN", visibility: Visibility = .public,
                         products: [String] = [], boost: Double = 1) -> IndexedDocument {
        IndexedDocument(articleID: id, language: language, revision: 1, visibility: visibility, category: nil, products: products,
                        title: title, body: body, tags: [], boost: boost)
    }

    @Test("Chinese becomes overlapping bigrams, a lone character a unigram, Latin words lower-cased and stemmed")
    func tokens() {
        #expect(Tokenizer.terms("空调不制冷", for: .query) == ["空调", "调不", "不制", "制冷"])
        #expect(Tokenizer.terms("冷", for: .query) == ["1冷"])
        #expect(Tokenizer.terms("空调", for: .indexing) == ["空调", "1空", "1调"], "articles index single characters too")
        #expect(Tokenizer.terms("The Refunds were REFUNDED; charging chargers", for: .query) == ["the", "refund", "were", "refund", "charg", "charger"])
        #expect(Tokenizer.terms("ＷＩＦＩ连不上 wifi", for: .query) == ["wifi", "连不", "不上", "wifi"], "full-width folds to ASCII")
        #expect(Tokenizer.terms("customer's phones", for: .query) == ["customer", "phon"], "phone and phones stem alike")
        #expect(Tokenizer.stem("glass") == "glass" && Tokenizer.stem("status") == "status" && Tokenizer.stem("bus") == "bus" && Tokenizer.stem("batteries") == "battery")
        #expect(Tokenizer.stem("stopped") == "stop" && Tokenizer.stem("calling") == "call")
        #expect(Tokenizer.terms("KX-200 型号", for: .query) == ["kx", "200", "型号"])
    }

    @Test("BM25F: the title outweighs the body, rare terms outweigh common ones, and feedback nudges within bounds")
    func ranking() {
        let index = SearchIndex(documents: [
            Self.document("a", "洗衣机漏水", "检查进水管。"),
            Self.document("b", "冰箱不制冷", "洗衣机漏水时请先断电，这里只是顺带提到。"),
            Self.document("c", "空调遥控器", "更换电池。"),
        ])
        let hits = index.search("洗衣机漏水", filter: SearchFilter(), limit: 3)
        #expect(hits.map(\.articleID) == ["a", "b"], "title match first, body match second, no match absent")
        #expect(hits[0].relevance > 0.7 && hits[1].relevance < hits[0].relevance)
        #expect(index.search("今天天气", filter: SearchFilter(), limit: 3).isEmpty)

        let boosted = SearchIndex(documents: [
            Self.document("a", "重置密码", "打开设置。"), Self.document("b", "重置密码", "打开设置。", boost: Article.boost(positive: 40, negative: 0)),
        ])
        #expect(boosted.search("重置密码", filter: SearchFilter(), limit: 2).first?.articleID == "b")
        #expect(Article.boost(positive: 1000, negative: 0) < 1.2 && Article.boost(positive: 0, negative: 1000) > 0.8)
        #expect(Article.boost(positive: 0, negative: 0) == 1)
    }

    @Test("filters: language, visibility and product; each article once, in its best language")
    func filters() {
        let index = SearchIndex(documents: [
            Self.document("a", "电池更换", "电池", products: ["KX-"]),
            Self.document("a", "Battery replacement", "battery", language: "en", products: ["KX-"]),
            Self.document("b", "电池保养", "电池", visibility: .internal),
            Self.document("c", "电池草稿", "电池", visibility: .draft),
        ])
        #expect(index.search("电池", filter: SearchFilter(), limit: 5).map(\.articleID) == ["a"])
        #expect(Set(index.search("电池", filter: SearchFilter(visibilities: [.public, .internal]), limit: 5).map(\.articleID)) == ["a", "b"])
        #expect(index.search("battery 电池", filter: SearchFilter(), limit: 5).count == 1, "one hit per article")
        #expect(index.search("battery", filter: SearchFilter(language: "zh-CN"), limit: 5).isEmpty)
        #expect(index.search("电池", filter: SearchFilter(product: "AB-1"), limit: 5).isEmpty)
        #expect(index.search("电池", filter: SearchFilter(product: "kx-200"), limit: 5).map(\.articleID) == ["a"])
    }

    @Test("Markdown: headings, lists, emphasis, code and safe links render; scripts, raw HTML and javascript: links stay inert")
    func markdown() {
        let html = MarkdownRenderer.html("""
            # 标题
            第一段 **加粗** 和 *强调*，`代码`。

            - 一
            - 二

            1. first
            2. second

            > 引用

            ```
            <b>not bold</b>
            ```
            [官网](https://example.com/a_(b)) [mail](mailto:help@example.com)
            """)
        #expect(html.contains("<h2>标题</h2>") && html.contains("<strong>加粗</strong>") && html.contains("<em>强调</em>"))
        #expect(html.contains("<code>代码</code>") && html.contains("<ul><li>一</li><li>二</li></ul>") && html.contains("<ol><li>first</li>"))
        #expect(html.contains("<blockquote><p>引用</p></blockquote>") && html.contains("<pre><code>&lt;b&gt;not bold&lt;/b&gt;</code></pre>"))
        #expect(html.contains(#"<a href="https://example.com/a_(b)" rel="nofollow noopener noreferrer">官网</a>"#))
        #expect(html.contains(#"href="mailto:help@example.com""#))

        let hostile = MarkdownRenderer.html("""
            <script>alert(1)</script> <img src=x onerror=alert(2)>
            [click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=) [rel](/admin) [ws]( JAVASCRIPT:alert(4))
            ![x](javascript:alert(5)) <a href="javascript:alert(6)">a</a> [q](https://x.example/"onmouseover="alert(7))
            """)
        #expect(!hostile.contains("<script") && !hostile.contains("<img") && !hostile.contains("<a href=\"javascript"))
        #expect(!hostile.lowercased().contains("href=\"javascript") && !hostile.contains("href=\"data:") && !hostile.contains("href=\"/admin"))
        #expect(hostile.contains("&lt;script&gt;") && hostile.contains("click") && !hostile.contains("\"onmouseover"))
        #expect(hostile.contains("&quot;onmouseover=&quot;"), "a quote in a link target is escaped inside the attribute")
        #expect(MarkdownRenderer.inline("set snake_case_name and window.__x = 1; y.__z") == "set snake_case_name and window.__x = 1; y.__z")
        #expect(MarkdownRenderer.inline("_a_ and __b__") == "<em>a</em> and <strong>b</strong>")
        // One Character can hide a quote or a bracket (a combining accent after it, U+0600 before it).
        let bundled = MarkdownRenderer.html("\u{600}<meta http-equiv=refresh> [x](https://a\"\u{301}/onmouseover=alert(1)//)")
        let quoteAccent = "\"" + "\u{301}", escapedQuoteAccent = "&quot;" + "\u{301}"
        let escaped = HTML.escape("\u{600}<" + quoteAccent), expected = "\u{600}&lt;" + escapedQuoteAccent
        #expect(!bundled.contains("<meta") && bundled.contains("&lt;meta"))
        #expect(!bundled.contains(quoteAccent) && bundled.contains(escapedQuoteAccent))
        #expect(escaped == expected)
        #expect(!MarkdownRenderer.isSafeLink("javascript:alert(1)") && !MarkdownRenderer.isSafeLink("https://a b")
                && !MarkdownRenderer.isSafeLink("mailto:") && MarkdownRenderer.isSafeLink("HTTPS://example.com"))
    }

    @Test("Markdown stays linear on hostile input: deep quotes, runs of unmatched brackets and stars")
    func markdownCost() {
        let started = ContinuousClock.now
        let deep = MarkdownRenderer.html(String(repeating: ">", count: 50_000) + " deep")
        let brackets = MarkdownRenderer.html(String(repeating: "a [", count: 20_000))
        let stars = MarkdownRenderer.html(String(repeating: " *a", count: 20_000) + String(repeating: "`x", count: 10_000))
        let targets = MarkdownRenderer.html(String(repeating: "[a](", count: 10_000))
        #expect(deep.contains("deep") && brackets.hasPrefix("<p>a [") && stars.contains("*a") && targets.contains("[a]("))
        // Linear input costs milliseconds; the quadratic renderer took minutes on these.
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test("the help centre's pages escape by Unicode scalar too")
    func pagesEscape() throws {
        let pages = try HelpPages(contact: false)
        let html = pages.library.render(["t": HelpTexts.texts("en"), "lang": "en", "query": "\u{600}<meta http-equiv=refresh>\"\u{301}",
                                         "results": [] as [Any]], withTemplate: "search") ?? ""
        #expect(html.contains("&lt;meta") && !html.contains("<meta http-equiv"))
        let quoteAccent = "\"" + "\u{301}"
        #expect(!html.contains(quoteAccent))
    }

    @Test("redaction takes out the customer's name, phone numbers, emails and long numbers")
    func redaction() {
        let text = Redactor.redact("我是张伟，电话 138-1234-5678，邮箱 zhang.wei@example.com，订单 2024 年 202412010001。Alice Wong called.",
                                   known: ["张伟", "Alice Wong", nil])
        #expect(!text.contains("张伟") && !text.contains("1234") && !text.contains("example.com") && !text.contains("202412010001"))
        #expect(!text.contains("Alice") && !text.contains("Wong") && text.contains("2024 年"), "short numbers stay: \(text)")
        #expect(text.contains("[customer]") && text.contains("[number]") && text.contains("[email]"))
        #expect(Redactor.redact("Call tomorrow on channel 5", known: ["Ann Tom"]) == "Call tomorrow on channel 5",
                "a Latin name goes only as a whole word")
    }

    @Test("article inputs name each bad field; an agent's non-draft is refused")
    func validation() {
        let input = ArticleInput(key: "Bad Key", category: "x/y", tags: ["ok", " "], products: nil, visibility: nil,
                                 translations: ["en": Translation(title: "", body: " "), "de": Translation(title: "T", body: "B")],
                                 revision: 0)
        #expect(Set(input.problems.map(\.field)) == ["/translations/en/title", "/translations/en/body", "/translations/de", "/key",
                                                     "/category", "/tags/1", "/revision"])
        let good = ArticleInput(key: nil, category: nil, tags: ["Warranty", "warranty "], products: nil, visibility: nil,
                                translations: ["zh-CN": Translation(title: " 标题 ", body: "正文")], revision: nil).normalised
        #expect(good.problems.isEmpty && good.tags == ["Warranty"] && good.visibility == .draft && good.translations["zh-CN"]?.title == "标题")
    }

    @Test("import: JSON lines name bad lines; Markdown front matter names its bad fields")
    func importParsing() {
        let lines = ArticleImport.jsonLines("""
            {"translations": {"en": {"title": "A", "body": "B"}}, "tags": ["x"]}

            {"translations": {"en": {"title": "", "body": "B"}}}
            [1, 2]
            """)
        #expect(lines.entries.count == 2 && lines.entries[0].given == ["translations", "tags"])
        #expect(lines.errors.map(\.field) == ["/lines/3/translations/en/title", "/lines/4"])
        let file = ArticleImport.markdown("""
            ---
            key: reset-router
            language: en
            title: "Reset the router"
            tags: [router, network]
            visibility: public
            ---
            Hold the button.
            """)
        #expect(file.errors.isEmpty)
        #expect(file.entry?.input.tags == ["router", "network"] && file.entry?.input.translations["en"]?.title == "Reset the router")
        #expect(file.entry?.given == ["translations", "key", "tags", "visibility"])
        let bad = ArticleImport.markdown("---\nlanguage: fr\ncolour: red\n---\n")
        #expect(bad.errors.map(\.field) == ["/front_matter/colour", "/front_matter/language"])
        let empty = ArticleImport.markdown("---\nlanguage: zh\n---\n")
        #expect(Set(empty.errors.map(\.field)) == ["/front_matter/title", "/body"])
        #expect(ArticleImport.markdown("no front matter").errors.map(\.field) == ["/front_matter"])
    }
}
