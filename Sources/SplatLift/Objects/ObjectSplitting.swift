import SplatMath
import SplatRaster
import SplatTrain

/// Splits a grouped object whose Gaussians lie in separate places that the masks keep apart. Small
/// objects (a pebble of ~50 pixels per view) hardly reach the contrastive loss's 20-sample floor
/// (METHOD.md §1.3(a)), so they may never get features of their own and their voted Gaussians join
/// whichever object their features resemble, often one across the room. Such an object's Gaussians
/// then form separate spatial parts, and the masks say what the parts are: in a view that shows a
/// box and a pebble, they lie in different masks; a lamp whose thin stem left a gap between shade
/// and base lies in one mask.
///
/// Each object's Gaussians are cut into spatial parts (`SpatialComponents`, cells of `splitGap`·scene
/// extent; parts under `splitMinimumGaussians` join the object's largest part). The parts are grouped
/// by the training masks with `EntryGrouping`'s rule, parts of different objects only on stronger
/// evidence (`crossObjectAgreement`). Each object's group with the most pixels keeps its id;
/// another group becomes an object of its own when it is the majority of at least `splitMinimumMasks`
/// training masks, else its Gaussians keep their voted ids. docs/SEGMENTATION.md has the details.
public enum ObjectSplitting {
    /// Stage 4 of `ObjectPipeline`: the Gaussians' object keys with split-off objects given new keys
    /// from `firstNewKey` up, and the object each new key was split off.
    public static func split(_ gaussians: GaussianParams, objectIDs: [Int32], firstNewKey: Int32,
                             cameras: [PinholeCamera], masks: [SegmentLabels], backend: RasterBackend,
                             settings: ObjectSettings, threads: Int = 0) throws -> (objectIDs: [Int32], parentOfKey: [Int32: Int32]) {
        guard cameras.count == masks.count else { throw SplatError("object splitting: \(cameras.count) cameras for \(masks.count) masks") }
        let cell = Float(settings.splitGap * GaussianInitializer.sceneExtent(cameras: cameras))
        guard cell > 0, cell.isFinite else { return (objectIDs, [:]) }     // a single camera
        var members = [Int32: [Int]]()
        for (i, id) in objectIDs.enumerated() { members[id, default: []].append(i) }
        let (part, objectOfPart) = spatialParts(gaussians.means, members: members, cell: cell,
                                                minimumGaussians: settings.splitMinimumGaussians)
        guard objectOfPart.count > members.count else { return (objectIDs, [:]) }

        // The parts grouped by `EntryGrouping`'s rule on their pixels in the masks: parts of one
        // object that the masks join join again, and parts of one physical object that the
        // features put in different objects join too (on stronger evidence).
        var area = [Int](repeating: 0, count: objectOfPart.count)
        let histograms = try zip(cameras, masks).map { camera, mask in
            try maskHistogram(gaussians, objectIDs: objectIDs, part: part, members: members, partCount: objectOfPart.count,
                              camera: camera, mask: mask, backend: backend, threads: threads, area: &area)
        }
        let parts = EntryGrouping.build(histograms, area: area, agreement: settings.agreement, support: settings.support,
                                        families: objectOfPart.map(Int.init),
                                        crossFamilyAgreement: settings.crossObjectAgreement)

        // Every group of parts (named by its part with the most pixels) and the masks it is the majority of.
        let groupOfPart = parts.objectOfEntry.map(Int.init)
        let partCount = objectOfPart.count
        var majorityCount = [Int](repeating: 0, count: partCount)
        for view in histograms {
            for counts in view.masks {
                var groupPixels = [Int: Int]()
                for (p, count) in counts where groupOfPart[p] >= 0 { groupPixels[groupOfPart[p], default: 0] += count }
                if let major = groupPixels.majorityKey { majorityCount[major] += 1 }
            }
        }
        var groupArea = [Int](repeating: 0, count: partCount)
        for p in 0..<partCount where groupOfPart[p] >= 0 { groupArea[groupOfPart[p]] += area[p] }

        // A group is named by its largest part, so it stands for that part's object. Per object, its
        // largest such group keeps the object's id; another becomes an object of its own when it is
        // the majority of enough masks, else its Gaussians keep their voted ids.
        var idOfGroup = [Int: Int32]()
        var parentOfKey: [Int32: Int32] = [:]
        let groupsOfObject = Dictionary(grouping: Set(groupOfPart.filter { $0 >= 0 }), by: { objectOfPart[$0] })
        for object in groupsOfObject.keys.sorted() {
            let groups = groupsOfObject[object]!.sorted { groupArea[$0] != groupArea[$1] ? groupArea[$0] > groupArea[$1] : $0 < $1 }
            idOfGroup[groups[0]] = object
            for g in groups.dropFirst() where majorityCount[g] >= settings.splitMinimumMasks {
                let key = firstNewKey + Int32(parentOfKey.count)
                idOfGroup[g] = key
                parentOfKey[key] = object
            }
        }
        var newIDs = objectIDs
        for i in newIDs.indices {
            let g = groupOfPart[Int(part[i])]
            guard g >= 0, let id = idOfGroup[g] else { continue }
            newIDs[i] = id
        }
        return (newIDs, parentOfKey)
    }

    /// One view's evidence: for every mask (label ≠ 0), each part's blending weight in pixels,
    /// counted only where the view shows the part's own object (`ObjectIDRendering`). A thin
    /// object's blur over the floor behind it then stays the floor's. Adds every part's pixels to `area`.
    static func maskHistogram(_ gaussians: GaussianParams, objectIDs: [Int32], part: [Int32], members: [Int32: [Int]],
                              partCount: Int, camera: PinholeCamera, mask: SegmentLabels, backend: RasterBackend,
                              threads: Int, area: inout [Int]) throws -> MaskHistogram {
        let shown = try ObjectIDRendering.pixelIDs(gaussians, objectIDs: objectIDs, camera: camera, backend: backend,
                                                   threads: threads)
        guard shown.count == mask.pixelCount else {
            throw SplatError("object splitting: a \(camera.width)x\(camera.height) view for a \(mask.width)x\(mask.height) mask")
        }
        // One label per (mask, shown object) pair.
        var pairs: [(mask: Int, object: Int32)] = [], labelOf = [Int64: Int32]()
        let labels = shown.indices.map { p -> Int32 in
            guard shown[p] >= 0 else { return -1 }
            let key = Int64(mask.index[p]) << 32 | Int64(UInt32(bitPattern: shown[p]))
            if let label = labelOf[key] { return label }
            labelOf[key] = Int32(pairs.count)
            pairs.append((Int(mask.index[p]), shown[p]))
            return Int32(pairs.count - 1)
        }
        var pixels = [[Float]](repeating: [], count: mask.labelCount)       // per mask, per part
        try LabelWeights.forEachLabel(gaussians, camera: camera, backend: backend, threads: threads,
                                      labels: { _ in labels }) { label, weights in
            let (m, object) = pairs[Int(label)]
            if pixels[m].isEmpty { pixels[m] = [Float](repeating: 0, count: partCount) }
            for i in members[object] ?? [] { pixels[m][Int(part[i])] += weights[i] }
        }
        var perMask = [[(entry: Int, count: Int)]]()
        for (m, partPixels) in pixels.enumerated() where !partPixels.isEmpty {
            let counts = partPixels.enumerated().map { (entry: $0.offset, count: Int($0.element.rounded())) }.filter { $0.count > 0 }
            for (p, count) in counts { area[p] += count }
            if mask.values[m] != 0, !counts.isEmpty { perMask.append(counts) }
        }
        return MaskHistogram(masks: perMask)
    }

    /// Cuts every object's Gaussians (`members`) into spatial parts; parts with fewer than
    /// `minimumGaussians` join the object's largest. Returns each Gaussian's part and each part's object.
    static func spatialParts(_ means: [Float], members: [Int32: [Int]], cell: Float,
                             minimumGaussians: Int) -> (part: [Int32], objectOfPart: [Int32]) {
        var part = [Int32](repeating: 0, count: means.count / 3)
        var objectOfPart: [Int32] = []
        for object in members.keys.sorted() {
            let list = members[object]!
            let component = SpatialComponents.label(list, means: means, cell: cell)
            var size = [Int](repeating: 0, count: (component.max() ?? -1) + 1)
            for c in component { size[c] += 1 }
            let largest = size.indices.max { size[$0] != size[$1] ? size[$0] < size[$1] : $0 > $1 }!
            var label = [Int32](repeating: Int32(objectOfPart.count), count: size.count)
            objectOfPart.append(object)
            for c in size.indices where c != largest && size[c] >= minimumGaussians {
                label[c] = Int32(objectOfPart.count)
                objectOfPart.append(object)
            }
            for (k, i) in list.enumerated() { part[i] = label[component[k]] }
        }
        return (part, objectOfPart)
    }

}
