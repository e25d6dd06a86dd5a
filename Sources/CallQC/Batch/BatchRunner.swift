import Dispatch

/// What one work item gave.
public struct ItemOutcome: Sendable {
    public var source: String
    public var results: [CallResult]
    public var errors: [InputProblem]
    public var warnings: [InputProblem]
}

/// Checks many calls on all cores with bounded memory: it takes a batch of work
/// items, reads and checks them in parallel, hands the outcomes over in input
/// order, and only then takes the next batch.
public struct BatchRunner: Sendable {
    public let loader: TranscriptLoader
    public let checker: Checker
    /// Items in flight at once.
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
            return problem.severity == .warning
                ? ItemOutcome(source: item.source, results: [], errors: [], warnings: [problem])
                : ItemOutcome(source: item.source, results: [], errors: [problem], warnings: [])
        }
        var reader = loader
        if let f = item.format { reader.format = f }
        reader.options.lineOffset = item.firstLine - 1
        let outcome = reader.read(bytes: item.bytes, source: item.source)
        return ItemOutcome(source: item.source, results: outcome.calls.map { checker.check($0) },
                           errors: outcome.errors, warnings: outcome.warnings)
    }

    /// Runs every item of `source`, calling `deliver` with each batch's outcomes in input order.
    ///
    /// Two batches are in flight: while `deliver` writes one (on the calling thread), the
    /// next is read and checked on the other cores. Memory stays bounded: two batches of
    /// calls, and the batch after them (paths of files, which the workers read; chunks of
    /// JSON Lines, which are read when taken).
    public func run(_ source: WorkSource, deliver: ([ItemOutcome]) throws -> Void) rethrows {
        // A batch is `batchSize` items, and at most 4 × `batchSize` records of JSON Lines (a chunk
        // holds many calls): memory stays flat however many calls a JSON Lines file holds.
        func take() -> [WorkItem] {
            var items: [WorkItem] = []
            var records = 0
            while items.count < batchSize, records < batchSize * 4, let item = source.nextItem() {
                items.append(item)
                if item.format == .jsonl { records += item.bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
            }
            return items
        }
        let first = take()
        if first.isEmpty { return }
        var current = processInParallel(first)
        var items = take()
        let runner = self
        while true {
            let group = DispatchGroup()
            let next = NextBatch()
            if !items.isEmpty {
                let batch = items
                DispatchQueue.global().async(group: group) { next.outcomes = runner.processInParallel(batch) }
            }
            // Whatever `deliver` does, the batch in flight finishes before we return.
            defer { group.wait() }
            try deliver(current)
            // The batch after that is read (files opened and loaded) meanwhile.
            let following = items.isEmpty ? [] : take()
            group.wait()
            if items.isEmpty { return }
            current = next.outcomes
            items = following
        }
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

/// The outcomes of the batch checked while the previous one is delivered; written by
/// one task and read only after the group that ran it has finished.
private final class NextBatch: @unchecked Sendable {
    var outcomes: [ItemOutcome] = []
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
