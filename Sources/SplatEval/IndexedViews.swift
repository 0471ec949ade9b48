import SplatMath

/// Pixel bounding box, inclusive.
struct PixelBox: Sendable, Equatable {
    var minX: Int, minY: Int, maxX: Int, maxY: Int

    mutating func include(x: Int, y: Int) {
        minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
    }

    func union(_ other: PixelBox) -> PixelBox {
        PixelBox(minX: min(minX, other.minX), minY: min(minY, other.minY),
                 maxX: max(maxX, other.maxX), maxY: max(maxY, other.maxY))
    }
}

/// One view with labels replaced by dense indices (−1 = void), its contingency table and the
/// bounding box of every segment present in it.
struct IndexedView: Sendable {
    let width: Int
    let height: Int
    let gt: [Int32]
    let pred: [Int32]
    let table: ContingencyTable
    let gtBoxes: [PixelBox?]
    let predBoxes: [PixelBox?]

    init(view: SegmentationView, gtIndex: LabelIndex, predIndex: LabelIndex, options: SegmentationOptions) {
        width = view.width
        height = view.height
        gt = gtIndex.denseMap(view.groundTruth, void: options.groundTruthVoid)
        pred = predIndex.denseMap(view.prediction, void: options.predictionVoid)
        table = ContingencyTable.count(gt: gt, pred: pred, gtCount: gtIndex.count, predCount: predIndex.count)
        var gtBoxes = [PixelBox?](repeating: nil, count: gtIndex.count)
        var predBoxes = [PixelBox?](repeating: nil, count: predIndex.count)
        for y in 0..<height {
            for x in 0..<width {
                let i = y * width + x
                if gt[i] >= 0 { Self.include(&gtBoxes[Int(gt[i])], x: x, y: y) }
                if pred[i] >= 0 { Self.include(&predBoxes[Int(pred[i])], x: x, y: y) }
            }
        }
        self.gtBoxes = gtBoxes
        self.predBoxes = predBoxes
    }

    private static func include(_ box: inout PixelBox?, x: Int, y: Int) {
        if var existing = box {
            existing.include(x: x, y: y)
            box = existing
        } else {
            box = PixelBox(minX: x, minY: y, maxX: x, maxY: y)
        }
    }

    /// Boundary IoU (METHOD.md §4.1) of GT segment `g` and predicted segment `p` (−1: none) in this
    /// view, counted over the pixels whose GT is not void. Boundaries are computed on the crop
    /// holding both masks, which is exact because everything outside the crop is 0 in both.
    func boundaryIoU(gtSegment g: Int, predSegment p: Int, d: Int) -> Double {
        guard let gtBox = gtBoxes[g] else { return 0 }
        guard p >= 0, let predBox = predBoxes[p] else { return 0 }
        let box = gtBox.union(predBox)
        let w = box.maxX - box.minX + 1, h = box.maxY - box.minY + 1
        var gtMask = [UInt8](repeating: 0, count: w * h)
        var predMask = [UInt8](repeating: 0, count: w * h)
        var valid = [Bool](repeating: false, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let i = (box.minY + y) * width + box.minX + x
                let j = y * w + x
                gtMask[j] = gt[i] == Int32(g) ? 1 : 0
                predMask[j] = pred[i] == Int32(p) ? 1 : 0
                valid[j] = gt[i] >= 0
            }
        }
        let gtBoundary = BoundaryMask.boundaryOfValidMask(gtMask, width: w, height: h, d: d)
        let predBoundary = BoundaryMask.boundaryOfValidMask(predMask, width: w, height: h, d: d)
        var inter = 0, union = 0
        for j in 0..<(w * h) where valid[j] {
            let a = gtBoundary[j] != 0, b = predBoundary[j] != 0
            if a && b { inter += 1 }
            if a || b { union += 1 }
        }
        return union == 0 ? 0 : Double(inter) / Double(union)
    }
}

/// All test views indexed against one GT id numbering and one predicted id numbering.
struct IndexedViews: Sendable {
    let gtIndex: LabelIndex
    let predIndex: LabelIndex
    let views: [IndexedView]
    let options: SegmentationOptions

    init(views: [SegmentationView], options: SegmentationOptions) {
        var gtIDs = Set<Int32>(), predIDs = Set<Int32>()
        for view in views {
            for i in 0..<view.groundTruth.count {
                let g = view.groundTruth[i]
                if g == options.groundTruthVoid { continue }
                gtIDs.insert(g)
                let p = view.prediction[i]
                if p != options.predictionVoid { predIDs.insert(p) }
            }
        }
        let gtIndex = LabelIndex(gtIDs), predIndex = LabelIndex(predIDs)
        self.gtIndex = gtIndex
        self.predIndex = predIndex
        self.options = options
        self.views = views.map { IndexedView(view: $0, gtIndex: gtIndex, predIndex: predIndex, options: options) }
    }

    /// GT and predicted segments and categories for PQ (METHOD.md §4.2) on `table`: things keep one
    /// segment per id, stuff ids merge into one segment per category, ids without a category are void.
    func panoptic(table: ContingencyTable) -> PanopticScores {
        let gtCat: [Int32?] = gtIndex.ids.map { id in
            guard let semantics = options.semantics else { return 0 }
            return semantics[id]
        }
        let predCat: [Int32?]
        if let predictionSemantics = options.predictionSemantics {
            predCat = predIndex.ids.map { predictionSemantics[$0] }
        } else if options.semantics != nil {
            // Oracle: the category most of the segment's non-void GT pixels have (ties → smaller id).
            predCat = (0..<predIndex.count).map { p in
                var votes = [Int32: Int]()
                for g in 0..<gtIndex.count where table[g, p] > 0 {
                    if let c = gtCat[g] { votes[c, default: 0] += table[g, p] }
                }
                return votes.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
            }
        } else {
            predCat = [Int32?](repeating: 0, count: predIndex.count)
        }
        let (gtGroup, gtGroupCat) = Self.segments(categories: gtCat, stuff: options.stuffCategories)
        let (predGroup, predGroupCat) = Self.segments(categories: predCat, stuff: options.stuffCategories)
        let grouped = table.grouped(gtGroup: gtGroup, gtGroups: gtGroupCat.count,
                                    predGroup: predGroup, predGroups: predGroupCat.count)
        return PanopticQuality.compute(table: grouped, gtCategory: gtGroupCat, predCategory: predGroupCat,
                                       robustFraction: options.robustFraction)
    }

    /// Segment index per id (−1 void) and category per segment.
    private static func segments(categories: [Int32?], stuff: Set<Int32>) -> ([Int], [Int32]) {
        var group = [Int](repeating: -1, count: categories.count)
        var groupCategory = [Int32]()
        var stuffGroup = [Int32: Int]()
        for (i, category) in categories.enumerated() {
            guard let category else { continue }
            if stuff.contains(category) {
                if let existing = stuffGroup[category] { group[i] = existing; continue }
                stuffGroup[category] = groupCategory.count
            }
            group[i] = groupCategory.count
            groupCategory.append(category)
        }
        return (group, groupCategory)
    }
}
