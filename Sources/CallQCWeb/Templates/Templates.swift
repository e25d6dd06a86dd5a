import CallQC
import Foundation
import Mustache

/// The workbench's pages as mustache templates (swift-mustache, from the Hummingbird project),
/// parsed once into one library. `{{x}}` is HTML-escaped by mustache; `{{{x}}}` is only for HTML
/// that another template, `CallView` or `LintView` produced and escaped already.
///
/// The templates are Swift string constants (`Templates/*.swift`), so a clean clone builds and
/// runs them with no resource bundle to find at run time.
///
/// Every template sees, besides its own model, the request's scope (`Scope`):
/// - `{{#t}}中文||English{{/t}}`: the text in the page's language, escaped; it may hold `{{tags}}`.
/// - `{{> hidden}}`: the CSRF field (and the language) that every form changing data carries.
/// - `csrf`, `en` (the page is in English).
enum Templates {
    /// Every template by name.
    static let sources: [String: String] = {
        var all: [String: String] = [:]
        for part in [layoutTemplates, floorTemplates, selfCheckTemplates, reviewTemplates, libraryTemplates] {
            all.merge(part) { a, _ in a }
        }
        return all
    }()

    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in sources.sorted(by: { $0.key < $1.key }) {
            do {
                try library.register(text, named: name)
            } catch {
                // A template is part of the program: one that does not parse is a bug, caught by any test of a page.
                fatalError("template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    /// A template rendered with its model, in the request's scope.
    static func render(_ name: String, _ model: Any, _ p: PageContext) -> String {
        guard let html = library.render(Scope(model: model, p: p), withTemplate: name) else {
            fatalError("no template named \(name)")
        }
        return html
    }

    /// A template as the body of a whole page (see `Layout.page`).
    static func page(_ name: String, title: String, _ model: Any, _ p: PageContext, active: String = "") -> String {
        Layout.page(title, render(name, model, p), p, active: active)
    }

    /// The text of `{{#t}}中文||English{{/t}}` for the page's language, escaped as `{{x}}` would be;
    /// mustache tags in it are rendered after (with their own escaping).
    static func translate(_ text: String, _ lang: WorkbenchLanguage) -> String {
        let parts = text.components(separatedBy: "||")
        let chosen = lang == .en && parts.count > 1 ? parts[1] : parts[0]
        return HTMLReport.escape(chosen)
    }

    /// A model's members first, then the request's: lookups that miss the model fall through.
    struct Scope: MustacheParent {
        var model: Any
        var p: PageContext

        func child(named name: String) -> Any? {
            if let parent = model as? MustacheParent, let v = parent.child(named: name) { return v }
            if let v = Templates.member(name, of: model) { return v }
            switch name {
            case "t":
                let lang = p.lang
                return MustacheLambda { text in Templates.translate(text, lang) }
            case "csrf": return p.csrf
            case "en": return p.lang == .en
            case "langEn": return p.lang == .en ? "en" : nil
            default: return nil
            }
        }
    }

    /// A stored property of a value by its name, an optional unwrapped (nil when it is nil).
    static func member(_ name: String, of object: Any) -> Any? {
        guard let value = Mirror(reflecting: object).children.first(where: { $0.label == name })?.value else { return nil }
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }
}
