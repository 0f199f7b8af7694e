import Foundation
import KefuContracts

let environment = ProcessInfo.processInfo.environment

func setting(_ key: String) -> String {
    guard let value = environment[key] else {
        FileHandle.standardError.write(Data("kefu-bench: \(key) is not set; source the stack's kefu.env\n".utf8))
        exit(2)
    }
    return value
}

let clock = ContinuousClock()

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func seconds(_ duration: Duration) -> Double { milliseconds(duration) / 1000 }

/// Latency percentiles of a set of samples, in milliseconds.
struct Percentiles {
    let sorted: [Double]

    init(_ samples: [Double]) { sorted = samples.sorted() }

    func value(_ p: Double) -> Double {
        sorted.isEmpty ? .nan : sorted[max(0, min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
    }

    var summary: String {
        String(format: "p50 %.0f ms, p95 %.0f ms, p99 %.0f ms", value(0.50), value(0.95), value(0.99))
    }
}

/// A phone submission as a gateway sends it.
func benchSubmission(id: String, index: Int) -> [String: Any] {
    [
        "submission_id": id, "channel": "phone",
        "customer": ["phone": String(format: "+86138%08d", index % 100_000_000), "tier": "standard"],
        "subject": "设备故障", "body": "客户来电：设备无法启动，请尽快安排工程师。", "language": "zh-CN",
    ]
}
