extension TrainConfig {
    /// Help texts of the `train` options that set these settings, each with the default taken
    /// from `TrainConfig()`, so the command line never restates a default.
    public enum Help {
        private static let defaults = TrainConfig()
        public static let iterations = "Iterations (default \(defaults.iterations)). The position learning rate decays over this many."
        public static let resolution = "Downscale the images by this integer factor (default \(defaults.resolution))."
        public static let seed = "Random seed (default \(defaults.seed))."
        public static let background = "Background: black, white or random (default \(defaults.background.rawValue))."
        public static let checkpointInterval = "Checkpoint every this many iterations (0 = only at the end; default \(defaults.checkpointInterval))."
        public static let threads = "Worker threads (0 = all cores; default \(defaults.threads))."
        public static let distantPoints = "Initial points added for the distant background (sky, hills, far ground), which SfM leaves nearly empty (default \(defaults.distantPoints); 0 = none, as official 3DGS)."
        public static let identityFeatureLR = "Learning rate of the Gaussians' identity features (default \(defaults.identityFeatureLR), Unified-Lift's for 30k iterations)."
        public static let identityFeatureLRFinal = "Let the identity-feature learning rate decay log-linearly to this over the run (default: constant)."
    }
}
