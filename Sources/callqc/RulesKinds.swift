import ArgumentParser
import CallQC

extension Rules {
    /// `callqc rules kinds`: every kind of check, from the kinds' own declarations.
    struct Kinds: ParsableCommand {
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, markdown, json
        }

        static let configuration = CommandConfiguration(commandName: "kinds", 
            abstract: "Describe every kind of check: what it finds, its parameters and defaults.",
            discussion: "The kinds section of docs/rules.md is this command's Markdown: callqc rules kinds --format markdown"
        )
        @Option(name: .long, help: "Output format.") var format: Format = .text
        @Argument(help: "Only these kinds (default: all).") var kinds: [String] = []

        func validate() throws {
            let known = Set(CheckKind.allCases.map(\.rawValue))
            if let unknown = kinds.first(where: { !known.contains($0) }) {
                throw ValidationError("unknown kind '\(unknown)'; kinds: \(CheckKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() throws {
            let docs = CheckRegistry.documentation.filter { kinds.isEmpty || kinds.contains($0.kind.rawValue) }
            switch format {
            case .text: Console.out(KindDocs.text(docs), terminator: "")
            case .markdown: Console.out(KindDocs.markdown(docs), terminator: "")
            case .json: Console.out(KindDocs.json(docs).pretty())
            }
        }
    }
}
