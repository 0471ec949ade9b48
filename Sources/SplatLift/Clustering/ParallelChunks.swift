/// Runs `body(chunk)` for every chunk in 0..<chunks, on the calling thread when `threads == 1`,
/// otherwise on all cores. Chunks must write disjoint results, so the output does not depend on
/// the thread count.
func parallelChunks(_ chunks: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
    if threads == 1 {
        for chunk in 0..<chunks { body(chunk) }
    } else {
        parallelChunks(chunks, body)
    }
}
