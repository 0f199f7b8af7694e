import Foundation
import KefuContracts

/// Inline SVG charts for the report: no scripts and no outside files, so the page stands alone
/// in a mail or an archive.
enum ReportCharts {
    static let width = 720.0
    static let height = 220.0
    static let margin = (left: 48.0, right: 12.0, top: 12.0, bottom: 36.0)

    /// Vertical bars, one per label.
    static func bars(_ values: [(label: String, value: Double)], title: String) -> String {
        let top = niceMaximum(values.map(\.value).max() ?? 0)
        let plotWidth = width - margin.left - margin.right, plotHeight = height - margin.top - margin.bottom
        let step = values.isEmpty ? 0 : plotWidth / Double(values.count)
        let rects = values.enumerated().map { index, entry in
            let barHeight = top == 0 ? 0 : entry.value / top * plotHeight
            let x = margin.left + Double(index) * step + step * 0.15
            return """
                <rect x="\(f(x))" y="\(f(margin.top + plotHeight - barHeight))" width="\(f(step * 0.7))" height="\(f(barHeight))" fill="#1f6feb"><title>\(HTML.escape(entry.label)): \(f(entry.value))</title></rect>
                """
        }.joined()
        return frame(title: title, top: top, suffix: "", body: rects + xLabels(values.map(\.label), step: step))
    }

    /// A line of rates (0–1) shown as percentages; gaps where a day had nothing to measure.
    static func line(_ values: [(label: String, value: Double?)], title: String, target: Double? = nil) -> String {
        let plotWidth = width - margin.left - margin.right, plotHeight = height - margin.top - margin.bottom
        let step = values.isEmpty ? 0 : plotWidth / Double(values.count)
        func y(_ rate: Double) -> Double { margin.top + plotHeight - rate * plotHeight }
        var segments: [[String]] = [[]]
        var dots = ""
        for (index, entry) in values.enumerated() {
            guard let value = entry.value else {
                segments.append([])
                continue
            }
            let x = margin.left + Double(index) * step + step / 2
            segments[segments.count - 1].append("\(f(x)),\(f(y(value)))")
            dots += "<circle cx=\"\(f(x))\" cy=\"\(f(y(value)))\" r=\"3\" fill=\"#0a7f3f\"><title>\(HTML.escape(entry.label)): \(f(value * 100))%</title></circle>"
        }
        let lines = segments.filter { $0.count > 1 }.map {
            "<polyline points=\"\($0.joined(separator: " "))\" fill=\"none\" stroke=\"#0a7f3f\" stroke-width=\"2\"/>"
        }.joined()
        let goal = target.map {
            "<line x1=\"\(f(margin.left))\" x2=\"\(f(width - margin.right))\" y1=\"\(f(y($0)))\" y2=\"\(f(y($0)))\" stroke=\"#d29922\" stroke-dasharray=\"4 4\"/>"
        } ?? ""
        return frame(title: title, top: 100, suffix: "%", body: goal + lines + dots + xLabels(values.map(\.label), step: step))
    }

    /// Horizontal bars for a breakdown.
    static func horizontal(_ values: [(label: String, value: Double)], title: String) -> String {
        let rowHeight = 22.0, labelWidth = 160.0
        let top = values.map(\.value).max() ?? 0
        let chartHeight = Double(values.count) * rowHeight + 24
        let rows = values.enumerated().map { index, entry in
            let y = 20 + Double(index) * rowHeight
            let length = top == 0 ? 0 : entry.value / top * (width - labelWidth - 60)
            return """
                <text x="\(f(labelWidth - 6))" y="\(f(y + 14))" text-anchor="end" font-size="12">\(HTML.escape(entry.label))</text>\
                <rect x="\(f(labelWidth))" y="\(f(y + 3))" width="\(f(length))" height="\(f(rowHeight - 6))" fill="#8250df"/>\
                <text x="\(f(labelWidth + length + 4))" y="\(f(y + 14))" font-size="12">\(f(entry.value))</text>
                """
        }.joined()
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(chartHeight))" viewBox="0 0 \(f(width)) \(f(chartHeight))" role="img" aria-label="\(HTML.escape(title))">\
            <text x="0" y="12" font-size="13" font-weight="600">\(HTML.escape(title))</text>\(rows)</svg>
            """
    }

    private static func frame(title: String, top: Double, suffix: String, body: String) -> String {
        let plotHeight = height - margin.top - margin.bottom
        let grid = (0...4).map { tick -> String in
            let value = top * Double(tick) / 4
            let y = margin.top + plotHeight - Double(tick) / 4 * plotHeight
            return """
                <line x1="\(f(margin.left))" x2="\(f(width - margin.right))" y1="\(f(y))" y2="\(f(y))" stroke="#ddd"/>\
                <text x="\(f(margin.left - 4))" y="\(f(y + 4))" text-anchor="end" font-size="11" fill="#555">\(f(value))\(suffix)</text>
                """
        }.joined()
        return """
            <figure><figcaption>\(HTML.escape(title))</figcaption>\
            <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" role="img" aria-label="\(HTML.escape(title))">\
            \(grid)\(body)</svg></figure>
            """
    }

    /// Every few labels, so that a month of days stays legible.
    private static func xLabels(_ labels: [String], step: Double) -> String {
        let every = max(1, labels.count / 10)
        return labels.enumerated().filter { $0.offset % every == 0 }.map { index, label in
            "<text x=\"\(f(margin.left + Double(index) * step + step / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">\(HTML.escape(label))</text>"
        }.joined()
    }

    private static func niceMaximum(_ value: Double) -> Double {
        guard value > 0 else { return 4 }
        let magnitude = pow(10, floor(log10(value)))
        for factor in [1.0, 2, 2.5, 5, 10] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    static func f(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(format: "%.1f", value)
    }
}
