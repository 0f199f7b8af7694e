import Foundation
import KefuServiceKit
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// knowledge's search through its own API (docs/benchmarks.md, "Knowledge"):
/// - retrieval quality: one article per intent (titled with the intent's name, its body the
///   first 5, 10 or 20 training utterances), the test utterances as queries; recall@1 and @3 for
///   CLINC150 (English) and xSID (Chinese, Benchmarks/data/xsid-zh);
/// - latency: the index topped up to `articles` articles with filler made from the same
///   utterances, then `GET /v1/search` from four clients at once.
/// Articles are imported by key into their own categories, so a rerun updates rather than adds.
enum KnowledgeBenchmark {
    typealias Example = (text: String, label: String)

    static func run(articles: Int, datasets: URL, latencyOnly: Bool = false) async throws {
        let api = ModelAPIBenchmark.API(base: setting("KEFU_KNOWLEDGE_URL"), token: try benchToken(.admin))
        for (id, zh, en) in [("bench-clinc", "基准 CLINC150", "Benchmark CLINC150"), ("bench-xsid", "基准 xSID", "Benchmark xSID"),
                             ("bench-filler", "基准 填充", "Benchmark filler")] {
            _ = try await api.send("PUT", "/v1/categories/\(id)", body: try json(["names": ["zh-CN": zh, "en": en]]))
        }
        let clinc = try JSONSerialization.jsonObject(with: Data(contentsOf: datasets.appendingPathComponent("clinc150/data_full.json")))
            as! [String: [[String]]]
        let clincTrain = clinc["train"]!.map { (text: $0[0], label: $0[1]) }
        let clincTest = clinc["test"]!.map { (text: $0[0], label: $0[1]) }
        let xsidFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/xsid-zh")
        let xsidTrain = try jsonLines(xsidFolder.appendingPathComponent("train.jsonl"))
        let xsidTest = try jsonLines(xsidFolder.appendingPathComponent("test.jsonl"))

        for perIntent in latencyOnly ? [] : [5, 10, 20] {
            let started = clock.now
            try await importArticles(api, intents(clincTrain, all: clincTest, perIntent: perIntent), language: "en", category: "bench-clinc") {
                $0.replacingOccurrences(of: "_", with: " ")
            }
            try await importArticles(api, intents(xsidTrain, all: xsidTest, perIntent: perIntent), language: "zh-CN", category: "bench-xsid") {
                xsidTitles[$0] ?? $0
            }
            print(String(format: "%d utterances an article: imported %d + %d intent articles in %.1f s", perIntent,
                         Set(clincTest.map(\.label)).count, Set(xsidTest.map(\.label)).count, seconds(clock.now - started)))
            try await Task.sleep(for: .seconds(2))  // every replica's index refreshes
            try await recall("  CLINC150 (en, in-scope test)", api, clincTest, language: "en", category: "bench-clinc")
            try await recall("  xSID (zh-CN, test)", api, xsidTest, language: "zh-CN", category: "bench-xsid")
        }

        let started = clock.now
        // The intent articles count towards the total; the filler's keys are the same every run.
        var intentArticles = 0
        for category in ["bench-clinc", "bench-xsid"] {
            let listed = try await api.json("GET", "/v1/articles?category=\(category)&limit=500") as? [String: Any]
            intentArticles += (listed?["items"] as? [Any])?.count ?? 0
        }
        let added = try await fill(api, to: articles - intentArticles, english: clincTrain.map(\.text),
                                   chinese: xsidTrain.map(\.text) + xsidTest.map(\.text))
        print("index: \(intentArticles) intent articles and \(added) filler articles, \(intentArticles + added) in all")
        print(String(format: "filler: %d articles imported in %.1f s", added, seconds(clock.now - started)))
        try await Task.sleep(for: .seconds(3))
        let queries = (clincTest.map { ($0.text, "en") } + xsidTest.map { ($0.text, "zh-CN") })
        // One client measures the answer itself; four keep both cores busy, with the bench client on them too.
        try await latency(api, queries: queries, total: 3000, clients: 1)
        try await latency(api, queries: queries, total: 5000, clients: 4)
    }

    /// Each intent's article: its first utterances for a body, or none for an intent only the test has.
    static func intents(_ train: [Example], all test: [Example], perIntent: Int) -> [(label: String, body: [String])] {
        var bodies: [String: [String]] = [:]
        for example in train where bodies[example.label, default: []].count < perIntent { bodies[example.label, default: []].append(example.text) }
        let labels = Set(train.map(\.label)).union(test.map(\.label)).sorted()
        return labels.map { ($0, bodies[$0] ?? []) }
    }

    static func importArticles(_ api: ModelAPIBenchmark.API, _ intents: [(label: String, body: [String])], language: String,
                               category: String, title: (String) -> String) async throws {
        let lines = try intents.map { intent -> String in
            let body = intent.body.isEmpty ? title(intent.label) : intent.body.map { "- \($0)" }.joined(separator: "\n")
            let key = "\(category)-" + intent.label.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            return String(decoding: try json(["key": key, "category": category, "visibility": "public",
                                              "translations": [language: ["title": title(intent.label), "body": body]]]), as: UTF8.self)
        }
        let answer = try await api.send("POST", "/v1/articles/import", body: Data(lines.joined(separator: "\n").utf8), type: "application/x-ndjson")
        guard (try? JSONSerialization.jsonObject(with: answer) as? [String: Any])?["ids"] != nil else {
            throw BenchError("import refused: \(String(decoding: answer, as: UTF8.self).prefix(300))")
        }
    }

    static func recall(_ name: String, _ api: ModelAPIBenchmark.API, _ test: [Example], language: String, category: String) async throws {
        let titles = try await searchTitles(api, test.map(\.text), language: language, category: category)
        let key = { (label: String) in "\(category)-" + label.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined() }
        // The search answers ids; the article ids of each key come from the list.
        let articles = try await api.json("GET", "/v1/articles?category=\(category)&limit=500") as? [String: Any]
        var idByKey: [String: String] = [:]
        for item in (articles?["items"] as? [[String: Any]]) ?? [] {
            if let key = item["key"] as? String, let id = item["id"] as? String { idByKey[key] = id }
        }
        var first = 0, third = 0
        for (example, ranked) in zip(test, titles) {
            guard let expected = idByKey[key(example.label)] else { continue }
            if ranked.first == expected { first += 1 }
            if ranked.prefix(3).contains(expected) { third += 1 }
        }
        print(String(format: "%@: %d queries, recall@1 %.1f %%, recall@3 %.1f %%", name, test.count,
                     100 * Double(first) / Double(test.count), 100 * Double(third) / Double(test.count)))
    }

    /// The ranked article ids for each query, eight queries in flight.
    static func searchTitles(_ api: ModelAPIBenchmark.API, _ queries: [String], language: String, category: String) async throws -> [[String]] {
        var results = [[String]](repeating: [], count: queries.count)
        try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
            var next = 0
            func add() {
                guard next < queries.count else { return }
                let index = next
                next += 1
                group.addTask {
                    let answer = try await api.json("GET", "/v1/search?" + query(["q": queries[index], "lang": language, "category": category,
                                                                                  "limit": "3"]))
                    return (index, ((answer as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String })
                }
            }
            for _ in 0..<8 { add() }
            while let (index, ids) = try await group.next() {
                results[index] = ids
                add()
            }
        }
        return results
    }

    /// `count` filler articles: titles and bodies made of utterances, half English, half Chinese,
    /// so that postings are as long as a real knowledge base's.
    static func fill(_ api: ModelAPIBenchmark.API, to count: Int, english: [String], chinese: [String]) async throws -> Int {
        var generator = SystemRandomNumberGenerator()
        var lines: [String] = []
        for index in 0..<max(0, count) {
            let chineseArticle = index % 2 == 1
            let pool = chineseArticle ? chinese : english
            let body = (0..<6).map { _ in "- " + pool.randomElement(using: &generator)! }.joined(separator: "\n")
            let title = pool.randomElement(using: &generator)!
            lines.append(String(decoding: try json([
                "key": "bench-filler-\(index)", "category": "bench-filler", "visibility": index % 5 == 0 ? "internal" : "public",
                "translations": [chineseArticle ? "zh-CN" : "en": ["title": String(title.prefix(200)), "body": body]],
            ]), as: UTF8.self))
        }
        for start in stride(from: 0, to: lines.count, by: 2000) {
            let batch = lines[start..<min(lines.count, start + 2000)].joined(separator: "\n")
            let answer = try await api.send("POST", "/v1/articles/import", body: Data(batch.utf8), type: "application/x-ndjson")
            guard (try? JSONSerialization.jsonObject(with: answer) as? [String: Any])?["ids"] != nil else {
                throw BenchError("filler import refused: \(String(decoding: answer, as: UTF8.self).prefix(300))")
            }
        }
        return lines.count
    }

    static func latency(_ api: ModelAPIBenchmark.API, queries: [(String, String)], total: Int, clients: Int) async throws {
        let started = clock.now
        let samples = try await withThrowingTaskGroup(of: [Double].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var times: [Double] = []
                    for index in stride(from: client, to: total + 200, by: clients) {
                        let (text, language) = queries[index % queries.count]
                        // Every other query without a language: the whole index is searched.
                        let path = "/v1/search?" + query(index % 2 == 0 ? ["q": text, "lang": language] : ["q": text])
                        let begin = clock.now
                        _ = try await api.send("GET", path)
                        if index >= 200 { times.append(milliseconds(clock.now - begin)) }  // the first 200 warm up
                    }
                    return times
                }
            }
            var all: [Double] = []
            for try await times in group { all += times }
            return all
        }
        let stats = Percentiles(samples)
        print(String(format: "search over the whole index, %d queries from %d clients: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, %.0f queries/s",
                     samples.count, clients, stats.value(0.5), stats.value(0.95), stats.value(0.99),
                     Double(samples.count) / seconds(clock.now - started)))
    }

    static func jsonLines(_ file: URL) throws -> [Example] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: String]
            return (text: object["text"]!, label: object["intent"]!)
        }
    }

    static func json(_ value: Any) throws -> Data { try JSONSerialization.data(withJSONObject: value) }

    static func query(_ items: [String: String]) -> String {
        var components = URLComponents()
        components.queryItems = items.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B") ?? ""
    }

    /// xSID's intent names in Chinese, for the articles' titles.
    static let xsidTitles = [
        "AddToPlaylist": "添加到播放列表", "BookRestaurant": "预订餐厅", "PlayMusic": "播放音乐", "RateBook": "给书评分",
        "SearchCreativeWork": "搜索作品", "SearchScreeningEvent": "查询电影场次", "weather/find": "查询天气",
        "alarm/cancel_alarm": "取消闹钟", "alarm/modify_alarm": "修改闹钟", "alarm/set_alarm": "设置闹钟", "alarm/show_alarms": "查看闹钟",
        "alarm/snooze_alarm": "闹钟稍后提醒", "alarm/time_left_on_alarm": "闹钟还剩多久", "reminder/cancel_reminder": "取消提醒",
        "reminder/set_reminder": "设置提醒", "reminder/show_reminders": "查看提醒",
    ]
}
