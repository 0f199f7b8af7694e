import Foundation

/// A horizontal bar chart drawn on the server as inline SVG: the KPIs by group. The template
/// places the bars from numbers computed here; labels go in as escaped text, like every value.
struct BarChart: Sendable {
    struct Bar: Sendable {
        let label: String
        let value: Double
        /// How the value reads: "92 %", "3.4 h".
        let shown: String
    }

    var title: String
    var bars: [Bar]
    /// The value a full bar stands for; the largest value when nil.
    var scale: Double?

    static let labelWidth = 180.0, barWidth = 360.0, rowHeight = 22.0

    var values: [String: Any] {
        let top = max(scale ?? bars.map(\.value).max() ?? 1, 0.000_001)
        let rows = bars.enumerated().map { index, bar -> [String: Any] in
            let y = Double(index) * Self.rowHeight
            let width = max(0, min(1, bar.value / top)) * Self.barWidth
            return ["label": bar.label, "shown": bar.shown, "y": Self.number(y + 4), "text_y": Self.number(y + 16),
                    "width": Self.number(width), "value_x": Self.number(Self.labelWidth + width + 6)]
        }
        return ["title": title, "bars": rows, "height": Self.number(Double(max(bars.count, 1)) * Self.rowHeight + 8),
                "width": Self.number(Self.labelWidth + Self.barWidth + 80), "bar_x": Self.number(Self.labelWidth),
                "label_x": Self.number(Self.labelWidth - 6)]
    }

    private static func number(_ value: Double) -> String { String(format: "%.1f", value) }
}
