import CallQC
import Foundation
import Mustache
import Synchronization

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
        for part in [layoutTemplates, floorTemplates, selfCheckTemplates, reviewTemplates, libraryTemplates, callViewTemplates, agentTemplates, liveTemplates] {
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
            // The request's own names first: `{{#t}}` inside a loop of 20,000 turns reaches here from
            // every turn, and should not reflect the page's model each time (no model uses them).
            switch name {
            case "t", "csrf", "en", "langEn": return builtin(name)
            default: break
            }
            if let parent = model as? MustacheParent, let v = parent.child(named: name) { return v }
            return Templates.member(name, of: model)
        }

        func builtin(_ name: String) -> Any? {
            switch name {
            case "t":
                let lang = p.lang
                return MustacheLambda { text -> Any? in
                    let chosen = Templates.translate(text, lang)
                    // Mustache parses a String a lambda returns as a template; plain text need not be.
                    return chosen.contains("{{") ? chosen : Substring(chosen)
                }
            case "csrf": return p.csrf
            case "en": return p.lang == .en
            case "langEn": return p.lang == .en ? "en" : nil
            default: return nil
            }
        }
    }

    /// A stored property of a value by its name, an optional unwrapped (nil when it is nil).
    /// The position of each name is found once per type: mustache's own lookup reflects every
    /// property for every tag, which made a long call's page several times slower.
    static func member(_ name: String, of object: Any) -> Any? {
        let type = ObjectIdentifier(type(of: object))
        // A name the type does not have is answered from the cache, without reflecting the value.
        if let known = fieldPositions.withLock({ $0[type] }), known[name] == nil { return nil }
        let mirror = Mirror(reflecting: object)
        let positions = fieldPositions.withLock { cache in
            if let known = cache[type] { return known }
            var table: [String: Int] = [:]
            for (i, child) in mirror.children.enumerated() { if let label = child.label { table[label] = i } }
            cache[type] = table
            return table
        }
        guard let i = positions[name] else { return nil }
        let children = mirror.children
        let value = children[children.index(children.startIndex, offsetBy: i)].value
        let wrapped = Mirror(reflecting: value)
        guard wrapped.displayStyle == .optional else { return value }
        return wrapped.children.first?.value
    }

    static let fieldPositions = Mutex<[ObjectIdentifier: [String: Int]]>([:])
}

/// A template's model: its properties found by name through `Templates.member`.
protocol TemplateModel: MustacheParent {}

extension TemplateModel {
    func child(named name: String) -> Any? { Templates.member(name, of: self) }
}
