import SplatRaster

extension RenderOptions {
    /// A render for ids and blending weights: identity features on, SH degree 0 (colours do not
    /// matter), on `threads` workers.
    static func identityFeatures(threads: Int) -> RenderOptions {
        var options = RenderOptions()
        options.renderFeatures = true
        options.activeSHDegree = 0
        options.threads = threads
        return options
    }
}

extension Dictionary where Value == Int, Key: Comparable {
    /// The key with the largest count, the smallest key on ties; nil when empty.
    var majorityKey: Key? {
        self.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
    }
}
