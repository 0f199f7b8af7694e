// Kefu's benchmarks, run against the local stack (`deploy/kefu up`) with its env file sourced.
//
//   kefu-bench [flow] N [RATE]        the whole system: submissions → ticket.assigned, and replies
//   kefu-bench intake-amqp N [RATE]   intake alone over AMQP: replies/s and reply latency
//   kefu-bench intake-http N [C]      intake alone over HTTP: POST /v1/tickets with C in flight (16)
//   kefu-bench classification N [RATE] classification alone: ticket.created → its decision event
//   kefu-bench dispatch AGENTS [TICKETS] dispatch alone: assignment decisions and SLA clocks (1000, 10000)
//   kefu-bench notification N [M]     deliveries/s per channel (N each), then M tickets' time to the
//                                     acknowledgement accepted by the SMTP server (200)
//   kefu-bench kpi N [ROWS]           survey's KPI consumer on N tickets' events (8 each), then the monthly
//                                     report and /v1/kpis over ROWS tickets' facts (1,000,000)
//   kefu-bench console AGENTS [TICKETS] the console: AGENTS people signed in with live streams over
//                                     TICKETS open tickets (50, 10000); page times and event delay
//   kefu-bench stall SECONDS [RATE]  a memory alarm blocks publishing for SECONDS (30) while HTTP
//                                     submissions arrive at RATE/s (20); answers, readiness, drain
//   kefu-bench knowledge [ARTICLES] [DATASETS]
//                                     knowledge's search: recall@1/@3 on CLINC150 and xSID (zh), then
//                                     GET /v1/search latency over ARTICLES articles (10000)
//   kefu-bench chaos N                the fault campaign on the chaos stack (deploy/kefu chaos N [cluster])
//   kefu-bench model [DATASETS]       the learned text model in process, on ../shared/datasets
//   kefu-bench model-api [clinc150|cluemotion] [DATASETS]
//                                     a data set through classification's API, on a fresh stack
//
// Without RATE, submissions go as fast as the broker confirms them, and the latency figures
// measure the backlog; paced below capacity, they measure the system. `deploy/kefu bench` runs
// these; for intake alone it stops the other services first.
import Foundation
import Logging

var arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first.flatMap { Int($0) == nil ? $0 : nil } ?? "flow"
if arguments.first == mode { arguments.removeFirst() }
let count = arguments.first.flatMap(Int.init) ?? 5000
let option = arguments.dropFirst().first.flatMap(Double.init)
var logger = Logger(label: "kefu.bench")
logger.logLevel = .warning

switch mode {
case "flow": try await FlowBenchmark.run(count: count, rate: option, logger: logger)
case "intake-amqp": try await IntakeBenchmark.amqp(count: count, rate: option, logger: logger)
case "intake-http": try await IntakeBenchmark.http(count: count, concurrency: option.map { Int($0) } ?? 16)
case "dispatch": try await DispatchBenchmark.run(agents: count, tickets: Int(option ?? 10_000), logger: logger)
case "classification": try await ClassificationBenchmark.run(count: count, rate: option, logger: logger)
case "kpi": try await KPIBenchmark.run(tickets: count, factRows: Int(option ?? 1_000_000), logger: logger)
case "notification": try await NotificationBenchmark.run(count: count, latencyTickets: Int(option ?? 200), logger: logger)
case "console": try await ConsoleBenchmark.run(agents: arguments.first.flatMap(Int.init) ?? 50, tickets: Int(option ?? 10_000),
                                             logger: logger)
case "chaos": try await ChaosRun.run(count: count, logger: logger)
case "knowledge", "knowledge-latency":
    try await KnowledgeBenchmark.run(articles: arguments.first.flatMap(Int.init) ?? 10_000,
                                     datasets: URL(fileURLWithPath: arguments.dropFirst().first ?? "../shared/datasets"),
                                     latencyOnly: mode == "knowledge-latency")
case "stall": try await StallBenchmark.run(stallSeconds: arguments.first.flatMap(Int.init) ?? 30, rate: option ?? 20, logger: logger)
case "model-api":
    try await ModelAPIBenchmark.run(dataset: arguments.first ?? "clinc150",
                                    datasets: URL(fileURLWithPath: arguments.dropFirst().first ?? "../shared/datasets"))
case "model":
    try ModelBenchmark.run(datasets: URL(fileURLWithPath: arguments.first ?? "../shared/datasets"))
default:
    FileHandle.standardError.write(Data("kefu-bench: unknown mode \(mode); use flow, intake-amqp, intake-http, classification, dispatch, notification, kpi, console, stall, knowledge, model or model-api\n".utf8))
    exit(2)
}
