import SplatMath

/// Every setting of the object inference (`ObjectPipeline`), with its default. Saved in
/// `objects.json`, so a model folder says how its objects were made; `splatlift train` and
/// `splatlift group` set them (the CLI takes its defaults and help texts from here). Each stage can
/// be switched off, so what it earns can be measured (docs/SEGMENTATION.md, "The object pipeline").
public struct ObjectSettings: Codable, Sendable, Equatable {
    /// Where the candidate objects come from (stage 1).
    public enum Candidates: String, Codable, Sendable, CaseIterable {
        /// The argmax codebook entry of every training pixel (the learned identity features).
        case features
        /// The training masks, associated across views through the Gaussians (`MaskAssociation`).
        case masks
        /// HDBSCAN clusters of the Gaussians' normalised features (`FeatureClustering`): the
        /// post-processing baseline, made by `splatlift cluster`; stages 2-3 do not apply.
        case clusters
    }

    /// How the mask association gives each Gaussian its candidate (`MaskAssociation`).
    public enum AssociationVotes: String, Codable, Sendable, CaseIterable {
        /// Each training view votes, with the Gaussian's weight in it, for the segment holding most
        /// of that weight; "no mask" and the masks of clusters from fewer than
        /// `MaskAssociation.minimumViews` views vote for nothing.
        case viewMajority = "view-majority"
        /// The cluster whose masks hold most of the Gaussian's weight, summed over the views.
        case weightSums = "weight-sums"
    }

    public var candidates = Candidates.masks
    /// Mask association: two mask clusters join while each holds more than this share of the
    /// other's co-visible Gaussians. Not a majority: a one-pixel dilation or erosion of the mask of
    /// an object of 50 pixels moves a third of its Gaussians in or out, and a thin object's
    /// Gaussians spill half their weight onto the masks beside it (SEGMENTATION.md).
    public var associationAgreement = 0.2
    /// Mask association: how each Gaussian is voted its candidate. nil (tables written before the
    /// option): weight sums.
    public var associationVotes: AssociationVotes? = .viewMajority
    /// Clusters: HDBSCAN's minimum cluster size (`splatlift cluster` chooses it by a search).
    public var clusterSize: Int?
    /// Clusters: HDBSCAN's `min_samples` (nil: the minimum cluster size, HDBSCAN's default).
    public var clusterSamples: Int?
    /// Stage 2: merge codebook entries whose pixels share the training masks (SEGMENTATION.md
    /// "Entry grouping"); off: every rendered entry is its own object (the paper's argmax, §2).
    public var entryGrouping = true
    /// Two groups merge while same/both exceeds this.
    public var agreement = 0.5
    /// ... and `both` covers at least this share of the smaller group's pixels.
    public var support = 0.05
    /// A mask is evidence for a pair only when it holds at least this share of each group's pixels
    /// in its view: a thin object renders thinner than its mask, so the floor under it can be its
    /// mask's majority with a sliver of its own pixels (SEGMENTATION.md "Thin objects"). 0, or nil
    /// (tables written before it was the default): every mask counts.
    public var maskShare: Double? = 0.05
    /// Stage 3: every Gaussian takes the object that holds most of its blending weight on the
    /// training views (SEGMENTATION.md "Gaussian voting"); off: the grouped argmax of its own feature.
    public var voting = true
    /// In voting, every pixel of a mask counts as the mask's majority object; off: as its own
    /// rendered id.
    public var maskMajority = true
    /// Stage 4: objects whose Gaussians lie apart are cut into parts and regrouped by the masks
    /// (SEGMENTATION.md "Splitting objects by space").
    public var splitting = true
    /// Cell size of the spatial parts, as a share of the scene extent.
    public var splitGap = 0.02
    /// Parts with fewer Gaussians join their object's largest part.
    public var splitMinimumGaussians = 5
    /// A part becomes an object of its own only when it is the majority of this many training masks.
    public var splitMinimumMasks = 3
    /// Parts of different objects join only when same/both exceeds this.
    public var crossObjectAgreement = 0.75
    /// `--mask` selection takes the objects with more than this share of their rendered area inside
    /// the mask (intersection over the object's area, METHOD.md §4.1).
    public var maskSelectionShare = 0.7

    public init() {}

    /// Help texts for the command-line options that set these, in one place.
    public enum Help {
        private static let defaults = ObjectSettings()
        public static let candidates = "Stage 1: candidate objects from the identity features' argmax entries (features), from the training masks associated across views through the Gaussians (masks), or from HDBSCAN clusters of the features (clusters: made by `splatlift cluster`). Default \(defaults.candidates.rawValue)."
        public static let noEntryGrouping = "Stage 2 off: every rendered codebook entry is its own object (the paper's argmax)."
        public static let associationAgreement = "Mask association: two mask clusters join while each holds more than this share of the other's co-visible Gaussians (0-1). Default \(defaults.associationAgreement)."
        public static let associationVotes = "Mask association: each Gaussian's candidate is voted by every training view for the segment holding most of its weight there (view-majority) or is the cluster whose masks hold most of its weight over all views (weight-sums). Default \(defaults.associationVotes!.rawValue)."
        public static let agreement = "Entry grouping: share of co-visible pixels that must lie in shared masks (0-1). Default \(defaults.agreement)."
        public static let support = "Entry grouping: co-visible pixels needed, as a share of the smaller group's pixels (0-1). Default \(defaults.support)."
        public static let maskShare = "Entry grouping: a mask speaks for two groups only when it holds at least this share of each one's pixels in its view (0-1; 0: every mask counts). Default \(defaults.maskShare!)."
        public static let noVoting = "Stage 3 off: a Gaussian's object is the grouped argmax of its own feature, not voted by its blending weights."
        public static let noMaskMajority = "Voting counts every pixel's own rendered id instead of its mask's majority id."
        public static let noSplitting = "Stage 4 off: objects whose Gaussians lie apart are kept whole."
        public static let splitGap = "Splitting: cell size of the spatial parts, as a share of the scene extent. Default \(defaults.splitGap)."
    }

    /// Throws when a value is outside its range.
    public func validate() throws {
        guard (0..<1).contains(agreement), (0...1).contains(support), (0...1).contains(maskShare ?? 0), (0..<1).contains(crossObjectAgreement),
              (0..<1).contains(associationAgreement) else {
            throw SplatError("object settings: agreement, associationAgreement and crossObjectAgreement must lie in [0, 1), support and maskShare in [0, 1]")
        }
        guard splitGap.isFinite, splitGap > 0, splitMinimumGaussians >= 1, splitMinimumMasks >= 1 else {
            throw SplatError("object settings: splitGap must be > 0, splitMinimumGaussians and splitMinimumMasks ≥ 1")
        }
        if candidates == .clusters {
            guard let size = clusterSize, size >= 2, (clusterSamples ?? size) >= 1 else {
                throw SplatError("object settings: clusters need a minimum cluster size ≥ 2 (run `splatlift cluster MODEL`)")
            }
        }
        guard maskSelectionShare > 0, maskSelectionShare <= 1 else {
            throw SplatError("object settings: maskSelectionShare must lie in (0, 1]")
        }
    }
}
