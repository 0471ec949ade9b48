extension LiftConfig {
    /// Help texts of the `train` options that set these settings, each with the default taken
    /// from `LiftConfig()`, so the command line never restates a default.
    public enum Help {
        private static let defaults = LiftConfig()
        public static let objective = "Feature objective: unified-lift (contrastive + the object codebook learned end to end) or contrastive (the post-processing baseline: features only, objects afterwards from `splatlift cluster`). Default \(defaults.objective.rawValue)."
        public static let mapping = "ID-mapping cost: area (Unified-Lift) or mean (Panoptic Lifting). Default \(defaults.mapping.rawValue)."
        public static let tau = "Uncertainty threshold τ of the noisy-label filter (default \(defaults.tau))."
        public static let noFiltering = "Turn off noisy-label filtering (every pixel counts as confident)."
        public static let noGradientBlocking = "Turn off gradient blocking: the association losses reach the features, and the feature losses reach the geometry."
        public static let normGradient = "Contrastive gradient through f̂ = F/‖F‖: detached (the norm held constant, as Unified-Lift's code) or exact. Default \(defaults.normGradient.rawValue)."
        public static let wholeSmallMasks = "Masks drawn at most \(defaults.minSegmentSamples) times for the contrastive loss but with at least this many pixels take part with all their pixels (default: the released rule, such masks are left out)."
        public static let codebookInitScale = "Start the codebook at this multiple of the released initialisation (default \(defaults.codebookInitScale), the released code): entries no mask is ever mapped to then never win a pixel."
        public static let codebookPixels = "Pixels of a view the confidence map, ID mapping and association losses read per step, drawn at random when the view has more; 0 reads all, as the released code (default \(defaults.codebookPixels)). Applies with gradient blocking, where they train only the codebook."
        public static let objectiveEvery = "Run the segmentation objective (the feature channels, the contrastive loss, the codebook) on every N-th training step; the steps between train RGB alone, and the feature and codebook learning rates are multiplied by N. With gradient blocking the geometry and the object ids do not depend on N. 1 = every step, as the released code (default \(defaults.objectiveEvery))."
        public static let codebookSize = "Codebook entries L, the maximum number of objects (default \(defaults.codebookSize))."
    }
}
