import Foundation

/// The data points of a chart's SVG (`data-series`, `data-label`, `data-value`), attributes unescaped.
public enum SVGPoints {
    public static func points(_ html: String) -> [(series: String, label: String, value: Double)] {
        let pattern = try! NSRegularExpression(pattern: "data-series=\"([^\"]*)\" data-label=\"([^\"]*)\" data-value=\"([^\"]*)\"")
        let ns = html as NSString
        return pattern.matches(in: html, range: NSRange(location: 0, length: ns.length)).map { m in
            (unescape(ns.substring(with: m.range(at: 1))), unescape(ns.substring(with: m.range(at: 2))), Double(ns.substring(with: m.range(at: 3))) ?? .nan)
        }
    }

    public static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }
}
