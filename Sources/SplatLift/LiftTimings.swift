/// Seconds spent per stage of one `LiftObjective` step (METHOD.md §1.3 (a)-(c)).
public struct LiftTimings: Sendable, Equatable {
    /// f̂ = F/‖F‖ and the norm regulariser.
    public var normalization = 0.0
    /// Eq. 1 on the sampled pixels, with its gradient.
    public var contrastive = 0.0
    /// The confidence map on all pixels.
    public var confidence = 0.0
    /// Logits C·F, softmax and their per-label and per-entry sums on all pixels.
    public var logits = 0.0
    /// The ID mapping (Hungarian) and the classification and concentration terms.
    public var association = 0.0
    /// The codebook's Adam step.
    public var codebookStep = 0.0

    public init() {}

    public var total: Double { normalization + contrastive + confidence + logits + association + codebookStep }

    /// (name, seconds) in pipeline order.
    public var stages: [(String, Double)] {
        [("normalization", normalization), ("contrastive", contrastive), ("confidence", confidence),
         ("logits", logits), ("association", association), ("codebookStep", codebookStep)]
    }
}
