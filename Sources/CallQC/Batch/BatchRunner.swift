import Dispatch

/// What one work item gave.
public struct ItemOutcome: Sendable {
    /// A result or an error, in the order of the input.
    public enum Record: Sendable {
        case result(CallResult)
        case error(InputProblem)
    }

    public var source: String
    /// Results and errors in input order: for JSON Lines, one record per line that is not blank,
    /// in its place; for a file, its errors, then its results.
    public var records: [Record]
    public var warnings: [InputProblem]
    /// Whether the item was lines of a JSON Lines stream (``WorkItem/lineRecords``).
    public var lineRecords = false

    public init(source: String, records: [Record], warnings: [InputProblem], lineRecords: Bool = false) {
        self.source = source
        self.records = records
        self.warnings = warnings
        self.lineRecords = lineRecords
    }

    public init(source: String, results: [CallResult], errors: [InputProblem], warnings: [InputProblem]) {
        self.init(source: source, records: errors.map(Record.error) + results.map(Record.result), warnings: warnings)
    }

    public var results: [CallResult] {
        records.compactMap { if case .result(let r) = $0 { return r }; return nil }
    }

    public var errors: [InputProblem] {
        records.compactMap { if case .error(let e) = $0 { return e }; return nil }
    }
}

/// Checks many calls on all cores with bounded memory: it takes a batch of work
/// items, reads and checks them in parallel, hands the outcomes over in input
/// order, and only then takes the batch after the next.
public struct BatchRunner: Sendable {
    public let loader: TranscriptLoader
    public let checker: Checker
    /// Items in flight at once; for JSON Lines, lines (records) in flight at once.
    public let batchSize: Int

    public init(loader: TranscriptLoader, checker: Checker, batchSize: Int = 64) {
        self.loader = loader
        self.checker = checker
        self.batchSize = max(1, batchSize)
    }

    /// Reads and checks one item.
    public func process(_ item: WorkItem) -> ItemOutcome {
        let item = item.loaded(maxBytes: loader.options.maxFileBytes)
        if let problem = item.problem {
            var outcome = problem.severity == .warning
                ? ItemOutcome(source: item.source, records: [], warnings: [problem])
                : ItemOutcome(source: item.source, records: [.error(problem)], warnings: [])
            outcome.lineRecords = item.lineRecords
            return outcome
        }
        if item.lineRecords { return processLines(item) }
        var reader = loader
        if let f = item.format { reader.format = f }
        reader.options.lineOffset = item.firstLine - 1
        let outcome = reader.read(bytes: item.bytes, source: item.source, fromFile: item.fromFile)
        return ItemOutcome(source: item.source, results: outcome.calls.map { checker.check($0) },
                           errors: outcome.errors, warnings: outcome.warnings)
    }

    /// Lines of JSON Lines, each read on its own: one record per line that is not blank, a
    /// result or an error naming the line, whatever the other lines hold (broken JSON, invalid
    /// UTF-8, an object that is not a call, a call with no turns, a line over the limit).
    func processLines(_ item: WorkItem) -> ItemOutcome {
        var reader = loader
        reader.format = item.format ?? .jsonl
        var records: [ItemOutcome.Record] = []
        var warnings: [InputProblem] = []
        var warned = Set<String>()
        var start = 0
        var number = item.firstLine
        let bytes = item.bytes
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A).map { $0 + 1 } ?? bytes.count
            defer { start = end; number += 1 }
            guard bytes[start..<end].contains(where: { !ReaderRegistry.isSpace($0) }) else { continue }
            reader.options.lineOffset = number - 1
            let outcome = reader.read(bytes: Array(bytes[start..<end]), source: item.source, fromFile: item.fromFile)
            if let error = outcome.errors.first {
                var problem = error
                problem.line = number
                records.append(.error(problem))
            } else if let call = outcome.calls.first {
                records.append(.result(checker.check(call)))
            } else {
                records.append(.error(InputProblem(source: item.source, line: number, message: "no call on this line")))
            }
            // A warning once per chunk (an unknown speaker label on every line is said once).
            for w in outcome.warnings where warned.insert(w.speakerLabel ?? w.message).inserted { warnings.append(w) }
        }
        return ItemOutcome(source: item.source, records: records, warnings: warnings, lineRecords: true)
    }

    /// Runs every item of `source`, calling `deliver` with each batch's outcomes in input order.
    ///
    /// Two batches are in flight: while `deliver` writes one (on the calling thread), the
    /// next is taken (files listed, lines of standard input read as they come) and checked on
    /// the other cores. A batch is delivered as soon as it is checked, never waiting for the
    /// input of the next: a pipe's writer gets the results of each batch it wrote. Memory stays
    /// bounded: two batches of calls, and the lines of the next being read.
    public func run(_ source: WorkSource, deliver: ([ItemOutcome]) throws -> Void) rethrows {
        let first = take(source)
        if first.isEmpty { return }
        var current = processInParallel(first)
        let runner = self
        let shared = SharedSource(source)
        while true {
            let group = DispatchGroup()
            let next = NextBatch()
            DispatchQueue.global().async(group: group) {
                let items = runner.take(shared.source)
                next.done = items.isEmpty
                if !items.isEmpty { next.outcomes = runner.processInParallel(items) }
            }
            // Whatever `deliver` does, the batch in flight finishes before we return.
            defer { group.wait() }
            try deliver(current)
            group.wait()
            if next.done { return }
            current = next.outcomes
        }
    }

    /// A batch: `batchSize` items, holding at most `batchSize` records of JSON Lines (a chunk
    /// holds many calls), so memory stays flat however many calls a JSON Lines input holds.
    func take(_ source: WorkSource) -> [WorkItem] {
        var items: [WorkItem] = []
        var records = 0
        while items.count < batchSize, records < batchSize, let item = source.nextItem(maxLines: batchSize - records) {
            items.append(item)
            records += item.recordCount
        }
        return items
    }

    func processInParallel(_ items: [WorkItem]) -> [ItemOutcome] {
        let slots = Slots(count: items.count)
        let runner = self
        DispatchQueue.concurrentPerform(iterations: items.count) { i in
            slots.set(i, runner.process(items[i]))
        }
        return slots.values
    }
}

/// The source, taken from by one task at a time: the runner's, while the caller only delivers.
private final class SharedSource: @unchecked Sendable {
    let source: WorkSource
    init(_ source: WorkSource) { self.source = source }
}

/// The outcomes of the batch checked while the previous one is delivered; written by
/// one task and read only after the group that ran it has finished.
private final class NextBatch: @unchecked Sendable {
    var outcomes: [ItemOutcome] = []
    var done = false
}

/// One slot per item; each worker writes only its own index.
private final class Slots: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<ItemOutcome?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func set(_ i: Int, _ value: ItemOutcome) { buffer[i] = value }
    var values: [ItemOutcome] { buffer.map { $0! } }
}
