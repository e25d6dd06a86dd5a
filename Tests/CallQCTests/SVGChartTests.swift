import Foundation
import XCTest
import CallQCTestSupport
@testable import CallQC

/// The chart renderer: data points readable from the SVG, every label escaped, accessible names
/// and the data table, for each kind of chart.
final class SVGChartTests: XCTestCase {
    func testEveryKindCarriesItsValuesAndSkipsMissingOnes() {
        let series = [SVGChart.Series(name: "礼貌用语", values: [3, nil, 7.25]), SVGChart.Series(name: "closing", values: [0, 2, 1])]
        for kind in [SVGChart.Kind.histogram, .bars, .lines, .stacked] {
            let chart = SVGChart(id: "c-\(kind.rawValue)", kind: kind, title: "测试 test", categories: ["2026-11-20", "2026-11-21", "2026-11-22"],
                                 series: kind == .histogram ? [series[0]] : series)
            let html = chart.render()
            let got = SVGPoints.points(html)
            var expected: [(String, String, Double)] = [("礼貌用语", "2026-11-20", 3), ("礼貌用语", "2026-11-22", 7.25)]
            // A stacked bar draws no segment of zero.
            if kind != .histogram { expected += kind == .stacked ? [("closing", "2026-11-21", 2), ("closing", "2026-11-22", 1)] : [("closing", "2026-11-20", 0), ("closing", "2026-11-21", 2), ("closing", "2026-11-22", 1)] }
            XCTAssertEqual(got.map { "\($0.series)|\($0.label)|\($0.value)" }.sorted(), expected.map { "\($0.0)|\($0.1)|\($0.2)" }.sorted(), "\(kind)")
            XCTAssertTrue(html.contains("role=\"img\" aria-labelledby=\"c-\(kind.rawValue)-title c-\(kind.rawValue)-desc\""), "\(kind)")
            XCTAssertTrue(html.contains("<title id=\"c-\(kind.rawValue)-title\">测试 test</title>"), "\(kind)")
            // The data table: a row per category, "–" where there is no value.
            XCTAssertTrue(html.contains("<table id=\"c-\(kind.rawValue)-table\">"), "\(kind)")
            XCTAssertTrue(html.contains("<tr><td>2026-11-21</td><td>–</td>"), "\(kind): \(html)")
            XCTAssertFalse(html.contains("<script"), "\(kind)")
            XCTAssertFalse(html.contains("http://") && !html.contains("xmlns=\"http://www.w3.org/2000/svg\""), "\(kind): nothing fetched")
        }
    }

    /// Values that are not finite, or absurdly large, never trap or hang the drawing: they are left out or cut.
    func testNonFiniteAndHugeValuesDrawWithoutTrapping() {
        for kind in [SVGChart.Kind.histogram, .bars, .lines, .stacked] {
            for values: [Double?] in [[.nan, 3], [.infinity, 2], [-.infinity, 1], [.greatestFiniteMagnitude, 1], [-5, 4], [0.5]] {
                let chart = SVGChart(id: "odd", kind: kind, title: "odd", categories: values.indices.map { "d\($0)" },
                                     series: [SVGChart.Series(name: "s", values: values)], maximum: kind == .bars ? .infinity : nil)
                let html = chart.render()
                XCTAssertFalse(html.contains("nan") || html.contains("inf"), "\(kind) \(values): \(html.prefix(300))")
                XCTAssertLessThan(html.count, 200_000, "\(kind) \(values)")
            }
        }
    }

    func testLabelsAreEscaped() {
        let evil = "<script>alert(\"x\")</script> & 'q'"
        for kind in [SVGChart.Kind.histogram, .bars, .lines, .stacked] {
            let chart = SVGChart(id: "x\"><b>", kind: kind, title: evil, categories: [evil, "A&B"], series: [.init(name: evil, values: [1, 2])],
                                 unit: "<%>", categoryHeading: evil, tableLabel: evil)
            let html = chart.render()
            XCTAssertFalse(html.contains("<script"), "\(kind): \(html)")
            XCTAssertFalse(html.contains("<b>"), "\(kind)")
            XCTAssertFalse(html.contains("A&B"), "\(kind)")
            XCTAssertFalse(html.contains("<%>"), "\(kind)")
            XCTAssertTrue(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"), "\(kind)")
            XCTAssertTrue(html.contains("id=\"x&quot;&gt;&lt;b&gt;\""), "\(kind)")
            // The attributes still read back as the labels.
            XCTAssertEqual(SVGPoints.points(html).map(\.label), [evil, "A&B"], "\(kind)")
            XCTAssertEqual(SVGPoints.points(html).map(\.series), [evil, evil], "\(kind)")
        }
    }

    func testLongLabelsAreCutInTheDrawingButWholeInTheTable() {
        let long = String(repeating: "服务态度非常不好", count: 6)
        let html = SVGChart(id: "l", kind: .bars, title: "t", categories: [long], series: [.init(name: "n", values: [5])]).render()
        XCTAssertTrue(html.contains("<title>\(long)</title>"))
        XCTAssertTrue(html.contains("…"))
        XCTAssertTrue(html.contains("<td>\(long)</td>"))
    }

    func testNothingToDrawSaysSo() {
        let html = SVGChart(id: "e", kind: .lines, title: "t", categories: [], series: [], emptyText: "没有数据").render()
        XCTAssertFalse(html.contains("<svg"))
        XCTAssertTrue(html.contains("没有数据"))
    }

    func testAxisTopIsRoundAndCoversTheLargestValue() {
        for (values, top) in [([3.0, 17], 20.0), ([0.45], 0.6), ([96, 12], 100), ([1234], 1500)] {
            let chart = SVGChart(id: "a", kind: .histogram, title: "t", categories: values.map { "\($0)" }, series: [.init(name: "n", values: values)])
            let axis = chart.axis()
            XCTAssertGreaterThanOrEqual(axis.top, values.max()!)
            XCTAssertEqual(axis.top, top, accuracy: 1e-9, "\(values)")
            XCTAssertEqual(axis.ticks.first, 0)
            XCTAssertEqual(axis.ticks.last!, axis.top, accuracy: 1e-9)
        }
        let fixed = SVGChart(id: "p", kind: .bars, title: "t", categories: ["a"], series: [.init(name: "n", values: [42])], maximum: 100)
        XCTAssertEqual(fixed.axis().top, 100)
    }
}
