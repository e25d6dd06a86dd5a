import Foundation

/// A chart as inline SVG, for the workbench's pages and the HTML report: no script, no font
/// and nothing fetched. Four kinds: a histogram (vertical bars), bars (horizontal, one or more
/// series side by side), lines (a series per line over ordered categories, such as days) and
/// stacked bars (a mix per row). Every label is escaped; the SVG has a `<title>` and `<desc>`
/// (`role="img"`, `aria-labelledby`); every data point carries `data-series`, `data-label` and
/// `data-value`; and a table of the same numbers follows in a `<details>`, for screen readers,
/// copying, and browsers that show no SVG.
public struct SVGChart: Sendable {
    public enum Kind: String, Sendable { case histogram, bars, lines, stacked }

    /// A named row of values, one per category (nil: no value there).
    public struct Series: Sendable, Hashable {
        public var name: String
        public var values: [Double?]
        /// A value that is not finite is left out (no point, no bar), and magnitudes beyond 10^15 are cut there: the
        /// drawing's arithmetic never meets NaN or infinity.
        public init(name: String, values: [Double?]) {
            self.name = name
            self.values = values.map { $0.flatMap { $0.isFinite ? min(max($0, -1e15), 1e15) : nil } }
        }
    }

    /// The element id (of the figure; the SVG's title, description and table derive from it).
    public var id: String
    public var kind: Kind
    public var title: String
    /// Categories: bands (histogram), rows (bars, stacked) or the x axis (lines).
    public var categories: [String]
    public var series: [Series]
    /// Appended to values in labels: `%`, ` 分`.
    public var unit: String
    /// The top of the value axis; the largest value (rounded up) when nil.
    public var maximum: Double?
    /// The heading of the table's first column and of the table itself.
    public var categoryHeading: String
    public var tableLabel: String
    /// Shown instead of the chart when there is nothing to draw.
    public var emptyText: String
    /// Where the data table downloads as CSV (the workbench's pages); no link when nil (the HTML report).
    public var csvHref: String?
    /// The download link's text.
    public var csvLabel = "CSV"

    public init(id: String, kind: Kind, title: String, categories: [String], series: [Series], unit: String = "", maximum: Double? = nil,
                categoryHeading: String = "", tableLabel: String = "数据表 Data", emptyText: String = "没有数据 No data") {
        self.id = id
        self.kind = kind
        self.title = title
        self.categories = categories
        self.series = series
        self.unit = unit
        self.maximum = maximum
        self.categoryHeading = categoryHeading
        self.tableLabel = tableLabel
        self.emptyText = emptyText
    }

    /// Colours of the series, in order (colour-blind safe: Okabe–Ito).
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    var hasData: Bool { series.contains { $0.values.contains { $0 != nil } } && !categories.isEmpty }

    /// The figure: heading, SVG, the data table and, with `csvHref`, the link to download it.
    public func render() -> String {
        var h = "<figure class=\"chart\" id=\"\(e(id))\" data-kind=\"\(kind.rawValue)\"><figcaption>\(e(title))</figcaption>"
        if !hasData { return h + "<p class=\"meta\">\(e(emptyText))</p></figure>" }
        switch kind {
        case .histogram: h += histogram()
        case .bars: h += bars()
        case .lines: h += lines()
        case .stacked: h += stacked()
        }
        h += table()
        if let csvHref { h += "<p class=\"meta\"><a href=\"\(e(csvHref))\" class=\"csv\" id=\"csv-\(e(id))\" download>\(e(csvLabel))</a></p>" }
        return h + "</figure>"
    }

    // MARK: Pieces

    func e(_ s: String) -> String { HTMLReport.escape(s) }

    /// A value as `data-value` holds it: two decimals at most.
    public static func number(_ v: Double) -> String { JSONValue.format((v * 100).rounded() / 100) }
    /// A value as the chart's labels show it: one decimal at most.
    func shown(_ v: Double) -> String { JSONValue.format((v * 10).rounded() / 10) + unit }

    func point(_ s: Series, _ i: Int, _ v: Double) -> String {
        "data-series=\"\(e(s.name))\" data-label=\"\(e(categories[i]))\" data-value=\"\(SVGChart.number(v))\""
    }

    func tip(_ s: Series, _ i: Int, _ v: Double) -> String {
        "<title>\(e(categories[i]))" + (series.count > 1 ? " · \(e(s.name))" : "") + ": \(e(shown(v)))</title>"
    }

    func svgStart(width: Int, height: Int) -> String {
        let names = series.map(\.name).joined(separator: ", ")
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"\(e(id))-title \(e(id))-desc\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" style=\"max-width:100%;height:auto;font-size:11px\">"
            + "<title id=\"\(e(id))-title\">\(e(title))</title><desc id=\"\(e(id))-desc\">\(e("\(categories.count) × \(names)"))</desc>"
    }

    /// The top of the axis and its ticks: 0, then a step of 1, 2 or 5 times a power of ten.
    func axis() -> (top: Double, ticks: [Double]) {
        let largest = series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0
        let stackedLargest = kind == .stacked ? categories.indices.map { i in series.reduce(0) { $0 + ($1.values[safe: i].flatMap { $0 } ?? 0) } }.max() ?? 0 : 0
        let top = max(maximum.flatMap { $0.isFinite ? min($0, 1e15) : nil } ?? 0, largest, stackedLargest, 1e-9)
        let rough = top / 4
        let power = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? rough
        let roundedTop = maximum.flatMap { $0.isFinite ? max(min($0, 1e15), largest, stackedLargest) : nil } ?? (ceil(top / step) * step)
        var ticks: [Double] = []
        var t = 0.0
        while t <= roundedTop + step * 1e-6, ticks.count < 50 { ticks.append(t); t += step }
        return (roundedTop, ticks)
    }

    /// Display width of a label in pixels at 11px (CJK characters twice as wide).
    static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x2E80 ? 12 : 7) }
    }

    /// A label cut to fit `pixels` (the whole label stays in the `<title>` and the table).
    static func fit(_ s: String, _ pixels: Int) -> String {
        if width(s) <= pixels { return s }
        var out = "", w = 0
        for c in s {
            let cw = width(String(c))
            if w + cw + 6 > pixels { break }
            out.append(c)
            w += cw
        }
        return out + "…"
    }

    /// The series' names with their colours, in rows no wider than `width`; and the rows' height.
    func legend(x: Int, y: Int, width: Int) -> (svg: String, height: Int) {
        guard series.count > 1 else { return ("", 0) }
        var h = "<g class=\"legend\">", at = x, row = 0
        for (k, s) in series.enumerated() {
            let w = 24 + SVGChart.width(s.name)
            if at > x && at + w > width { at = x; row += 1 }
            let ty = y + row * 16
            h += "<rect x=\"\(at)\" y=\"\(ty - 9)\" width=\"10\" height=\"10\" fill=\"\(SVGChart.palette[k % SVGChart.palette.count])\"/>"
            h += "<text x=\"\(at + 14)\" y=\"\(ty)\">\(e(s.name))</text>"
            at += w
        }
        return (h + "</g>", (row + 1) * 16 + 4)
    }

    func histogram() -> String {
        let (top, ticks) = axis()
        let left = 36, plotH = 150, topPad = 18, barW = 56, gap = 16
        let width = left + categories.count * (barW + gap) + 10, height = topPad + plotH + 24
        var h = svgStart(width: width, height: height)
        h += yAxis(ticks, top: top, left: left, right: width - 6, y0: topPad + plotH, plotH: plotH)
        let s = series[0]
        for (i, label) in categories.enumerated() {
            let x = left + gap / 2 + i * (barW + gap)
            h += "<text x=\"\(x + barW / 2)\" y=\(q(topPad + plotH + 15)) text-anchor=\"middle\">\(e(SVGChart.fit(label, barW + gap)))</text>"
            guard let v = s.values[safe: i] ?? nil else { continue }
            let bh = Int((Double(plotH) * v / top).rounded())
            h += "<rect x=\"\(x)\" y=\"\(topPad + plotH - bh)\" width=\"\(barW)\" height=\"\(bh)\" fill=\"\(SVGChart.palette[0])\" \(point(s, i, v))>\(tip(s, i, v))</rect>"
            h += "<text x=\"\(x + barW / 2)\" y=\"\(topPad + plotH - bh - 4)\" text-anchor=\"middle\">\(e(shown(v)))</text>"
        }
        return h + "</svg>"
    }

    func q(_ n: Int) -> String { "\"\(n)\"" }

    func yAxis(_ ticks: [Double], top: Double, left: Int, right: Int, y0: Int, plotH: Int) -> String {
        var h = "<g class=\"axis\" stroke=\"#d0d7de\">"
        for t in ticks {
            let y = y0 - Int((Double(plotH) * t / top).rounded())
            h += "<line x1=\"\(left)\" x2=\"\(right)\" y1=\"\(y)\" y2=\"\(y)\"/>"
        }
        h += "</g><g class=\"ticks\" fill=\"#656d76\">"
        for t in ticks {
            let y = y0 - Int((Double(plotH) * t / top).rounded())
            h += "<text x=\"\(left - 4)\" y=\"\(y + 4)\" text-anchor=\"end\">\(e(JSONValue.format((t * 100).rounded() / 100)))</text>"
        }
        return h + "</g>"
    }

    func bars() -> String {
        let (top, _) = axis()
        let labelW = min(200, max(60, (categories.map(SVGChart.width).max() ?? 60) + 8))
        let barH = series.count > 1 ? 12 : 16, rowH = barH * series.count + 8, plotW = 360
        let width = labelW + plotW + 70
        let legend = self.legend(x: labelW, y: 12, width: width)
        let legendH = legend.height
        let height = legendH + categories.count * rowH + 6
        var h = svgStart(width: width, height: height) + legend.svg
        h += "<line x1=\"\(labelW)\" x2=\"\(labelW)\" y1=\"\(legendH)\" y2=\"\(height)\" stroke=\"#8c959f\"/>"
        for (i, label) in categories.enumerated() {
            let y = legendH + i * rowH + 4
            h += "<text x=\"\(labelW - 6)\" y=\"\(y + rowH / 2)\" text-anchor=\"end\">\(e(SVGChart.fit(label, labelW - 8)))<title>\(e(label))</title></text>"
            for (k, s) in series.enumerated() {
                guard let v = s.values[safe: i] ?? nil else { continue }
                let bw = max(1, Int((Double(plotW) * v / top).rounded()))
                let by = y + k * barH
                h += "<rect x=\"\(labelW)\" y=\"\(by)\" width=\"\(bw)\" height=\"\(barH - 2)\" fill=\"\(SVGChart.palette[k % SVGChart.palette.count])\" \(point(s, i, v))>\(tip(s, i, v))</rect>"
                h += "<text x=\"\(labelW + bw + 4)\" y=\"\(by + barH - 4)\">\(e(shown(v)))</text>"
            }
        }
        return h + "</svg>"
    }

    func lines() -> String {
        let (top, ticks) = axis()
        let left = 40, plotH = 160
        let plotW = max(320, min(560, (categories.count - 1) * 48))
        let width = left + plotW + 40
        let legend = self.legend(x: left, y: 12, width: width)
        let topPad = series.count > 1 ? legend.height + 8 : 12
        let height = topPad + plotH + 34
        var h = svgStart(width: width, height: height) + legend.svg
        let y0 = topPad + plotH
        h += yAxis(ticks, top: top, left: left, right: left + plotW, y0: y0, plotH: plotH)
        let step = categories.count > 1 ? Double(plotW) / Double(categories.count - 1) : 0
        // As many labels as fit (the widest decides): the first, and the last unless it would touch the one before.
        let labelWidth = (categories.map(SVGChart.width).max() ?? 40) + 10
        let every = max(1, Int((Double(labelWidth) / max(step, 1)).rounded(.up)))
        func x(_ i: Int) -> Int { left + (categories.count == 1 ? plotW / 2 : Int((Double(i) * step).rounded())) }
        func y(_ v: Double) -> Int { y0 - Int((Double(plotH) * v / top).rounded()) }
        for (i, label) in categories.enumerated() where i % every == 0 || i == categories.count - 1 {
            if i == categories.count - 1 && i % every != 0 && i % every < (every + 1) / 2 { continue }
            h += "<text x=\"\(x(i))\" y=\"\(y0 + 15)\" text-anchor=\"middle\">\(e(SVGChart.fit(label, max(labelWidth, 40))))</text>"
        }
        for (k, s) in series.enumerated() {
            let colour = SVGChart.palette[k % SVGChart.palette.count]
            var path = "", pen = false
            for i in categories.indices {
                guard let v = s.values[safe: i] ?? nil else { pen = false; continue }
                path += (pen ? " L" : (path.isEmpty ? "M" : " M")) + "\(x(i)) \(y(v))"
                pen = true
            }
            h += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            for i in categories.indices {
                guard let v = s.values[safe: i] ?? nil else { continue }
                h += "<circle cx=\"\(x(i))\" cy=\"\(y(v))\" r=\"3.5\" fill=\"\(colour)\" \(point(s, i, v))>\(tip(s, i, v))</circle>"
            }
        }
        return h + "</svg>"
    }

    func stacked() -> String {
        let (top, _) = axis()
        let labelW = min(200, max(60, (categories.map(SVGChart.width).max() ?? 60) + 8))
        let barH = 18, rowH = 26, plotW = 360
        let width = labelW + plotW + 60
        let legend = self.legend(x: 8, y: 12, width: width)
        let legendH = max(20, legend.height)
        let height = legendH + categories.count * rowH + 6
        var h = svgStart(width: width, height: height) + legend.svg
        for (i, label) in categories.enumerated() {
            let y = legendH + i * rowH + 4
            h += "<text x=\"\(labelW - 6)\" y=\"\(y + 13)\" text-anchor=\"end\">\(e(SVGChart.fit(label, labelW - 8)))<title>\(e(label))</title></text>"
            var at = Double(labelW), total = 0.0
            for (k, s) in series.enumerated() {
                guard let v = s.values[safe: i] ?? nil, v > 0 else { continue }
                let w = Double(plotW) * v / top
                h += "<rect x=\"\(Int(at.rounded()))\" y=\"\(y)\" width=\"\(max(1, Int(w.rounded())))\" height=\"\(barH)\" fill=\"\(SVGChart.palette[k % SVGChart.palette.count])\" \(point(s, i, v))>\(tip(s, i, v))</rect>"
                at += w
                total += v
            }
            h += "<text x=\"\(Int(at.rounded()) + 4)\" y=\"\(y + 13)\">\(e(shown(total)))</text>"
        }
        return h + "</svg>"
    }

    /// The numbers as a table, folded under the chart.
    func table() -> String {
        var h = "<details class=\"chart-data\"><summary>\(e(tableLabel))</summary><table id=\"\(e(id))-table\"><thead><tr><th>\(e(categoryHeading))</th>"
        for s in series { h += "<th>\(e(s.name))</th>" }
        h += "</tr></thead><tbody>"
        for (i, c) in categories.enumerated() {
            h += "<tr><td>\(e(c))</td>"
            for s in series { h += "<td>\((s.values[safe: i] ?? nil).map { e(shown($0)) } ?? "–")</td>" }
            h += "</tr>"
        }
        return h + "</tbody></table></details>"
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
