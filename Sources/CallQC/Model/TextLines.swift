extension StringProtocol {
    /// The text's lines, split at "\n", at "\r\n" (files saved on Windows) and at a lone "\r", empty lines kept, so
    /// that line numbers are an editor's. Splitting on the Character "\n" alone does not split "\r\n", which Swift
    /// holds as one Character: a Windows file was one long line.
    func lineTexts() -> [SubSequence] {
        split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    }
}
