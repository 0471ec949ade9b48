import Foundation
import SplatEdit
import SplatEval
import SplatIO
import SplatMath
import SplatRaster

/// Scores of an extract / remove / mesh of one ground-truth object on a synthetic scene
/// (the scene's `gt_instance/` maps and `scene.json` shapes).
public struct EditScores: Codable, Sendable {
    public var groundTruthID: Int32
    public var selectedIDs: [Int32]
    public var extractedGaussians: Int
    /// Mean over test views of IoU(object rendered alone with alpha > 0.5, GT mask of the object).
    public var extractIoU: Double
    /// The same, with prediction pixels that the full model shows something else in front of
    /// (rendered depth 5% closer) left out, i.e. only the object's visible part is compared.
    public var extractVisibleIoU: Double
    /// Mean absolute colour change (0–1) between the full and the removed model's render on the
    /// object's GT pixels: large when the object is gone.
    public var removedObjectChange: Double
    /// PSNR of the full and of the removed model's render against the photo on the GT pixels of
    /// every other instance (background included), over all test views.
    public var othersPSNRFull: Double
    public var othersPSNRRemoved: Double
    /// The same restricted to the other non-background objects.
    public var otherObjectsPSNRFull: Double
    public var otherObjectsPSNRRemoved: Double
    /// Symmetric Chamfer distance of the mesh to the GT surface (world units), when the shape is known.
    public var chamfer: Double?
    /// The scene extent (DESIGN: 1.1 × the largest camera distance to the mean camera centre).
    public var sceneSize: Double
    public var meshTriangles: Int
}

extension EditableModel {
    /// The training view where GT instance `id` covers the most pixels, with its GT mask.
    public func largestTrainingView(of id: Int32) throws -> (view: Int, mask: [Bool], area: Int) {
        var best: (Int, [Bool], Int)?
        for index in scene.trainIndices {
            guard let gt = try scene.loadGroundTruth(index, downscale: trained.config.resolution) else {
                throw SplatError("the scene has no gt_instance map for \(scene.views[index].name)", path: scene.root.path)
            }
            let mask = gt.labels.map { $0 == id }
            let area = mask.reduce(0) { $0 + ($1 ? 1 : 0) }
            if area > (best?.2 ?? 0) { best = (index, mask, area) }
        }
        guard let best else { throw SplatError("ground-truth object \(id) is not seen in any training view") }
        return best
    }

    /// The predicted ids of GT instance `id`: the `--mask` rule (IoA > 0.7) with its GT mask on the
    /// training view where it is largest; if no id qualifies, the id with the best IoU there.
    public func predictedIDs(ofGroundTruth id: Int32, backend: RasterBackend) throws -> Set<Int32> {
        let (view, mask, _) = try largestTrainingView(of: id)
        if let ids = try? resolve(.mask(view: view, pixels: mask), backend: backend) { return ids }
        let predicted = try pixelIDs(view: view, backend: backend)
        var inter = [Int32: Int](), area = [Int32: Int]()
        let gtArea = mask.reduce(0) { $0 + ($1 ? 1 : 0) }
        for i in predicted.indices {
            area[predicted[i], default: 0] += 1
            if mask[i] { inter[predicted[i], default: 0] += 1 }
        }
        let best = inter.max { a, b in
            Double(a.value) / Double(area[a.key]! + gtArea - a.value) < Double(b.value) / Double(area[b.key]! + gtArea - b.value)
        }
        guard let best else { throw SplatError("no predicted id overlaps ground-truth object \(id)") }
        return [best.key]
    }

    /// Scores extracting, removing and meshing GT object `id` selected as `ids`, on the test views.
    public func evaluateEdit(groundTruthID id: Int32, ids: Set<Int32>, selection: [Bool], removed: GaussianParams,
                             mesh: TriangleMesh?, shapes: [Int32: [GroundTruthPrimitive]],
                             backgroundIDs: Set<Int32>, backend: RasterBackend) throws -> EditScores {
        let object = try gaussians.subset(selection)
        var iou = 0.0, visibleIoU = 0.0, change = 0.0, changeCount = 0, views = 0
        var othersFull = 0.0, othersRemoved = 0.0, othersCount = 0
        var objectsFull = 0.0, objectsRemoved = 0.0, objectsCount = 0
        for index in scene.testIndices {
            guard let gt = try scene.loadGroundTruth(index, downscale: trained.config.resolution) else { continue }
            let photo = try trained.groundTruth(ofView: index)
            let full = render(view: index, backend: backend)
            let alone = render(view: index, gaussians: object, backend: backend)
            let without = render(view: index, gaussians: removed, backend: backend)
            let hw = full.width * full.height
            var inter = 0, union = 0, vInter = 0, vUnion = 0
            for p in 0..<hw {
                let truth = gt.labels[p] == id
                let predicted = alone.alpha[p] > 0.5
                if truth && predicted { inter += 1 }
                if truth || predicted { union += 1 }
                let zAlone = alone.depth[p] / max(alone.alpha[p], 1e-6), zFull = full.depth[p] / max(full.alpha[p], 1e-6)
                let visible = predicted && zFull > 0.95 * zAlone
                if truth && visible { vInter += 1 }
                if truth || visible { vUnion += 1 }
                for c in 0..<3 {
                    let f = min(max(full.color[c * hw + p], 0), 1), r = min(max(without.color[c * hw + p], 0), 1)
                    let g = photo.pixels[c * hw + p]
                    if truth {
                        change += Double(abs(f - r)); changeCount += 1
                    } else {
                        othersFull += Double((f - g) * (f - g)); othersRemoved += Double((r - g) * (r - g)); othersCount += 1
                        if !backgroundIDs.contains(gt.labels[p]) {
                            objectsFull += Double((f - g) * (f - g)); objectsRemoved += Double((r - g) * (r - g))
                            objectsCount += 1
                        }
                    }
                }
            }
            guard union > 0 else { continue }
            views += 1
            iou += Double(inter) / Double(union)
            visibleIoU += Double(vInter) / Double(max(vUnion, 1))
        }
        guard views > 0 else { throw SplatError("ground-truth object \(id) appears in no test view") }
        var chamfer: Double?
        if let mesh, let shape = shapes[id], mesh.triangleCount > 0 {
            let truth = GroundTruthShapes.surfacePoints(shape, count: 20_000)
            chamfer = ChamferDistance.symmetric(ChamferDistance.samplePoints(on: mesh, count: 20_000, seed: 2), truth)
        }
        func psnr(_ sum: Double, _ n: Int) -> Double { ImageMetrics.psnr(mse: sum / Double(max(n, 1))) }
        return EditScores(groundTruthID: id, selectedIDs: ids.sorted(), extractedGaussians: object.count,
                          extractIoU: iou / Double(views), extractVisibleIoU: visibleIoU / Double(views),
                          removedObjectChange: change / Double(max(changeCount, 1)),
                          othersPSNRFull: psnr(othersFull, othersCount), othersPSNRRemoved: psnr(othersRemoved, othersCount),
                          otherObjectsPSNRFull: psnr(objectsFull, objectsCount),
                          otherObjectsPSNRRemoved: psnr(objectsRemoved, objectsCount),
                          chamfer: chamfer, sceneSize: scene.sceneExtent, meshTriangles: mesh?.triangleCount ?? 0)
    }
}
