import Foundation
import SplatEdit
import SplatIO
import SplatLift
import SplatMath
import SplatRaster

/// How a user names an object (the CLI's `--ids`, `--pixel`, `--mask`).
public enum ObjectQuery: Sendable, Equatable {
    /// Object ids (the `id`s of `objects.json`).
    case ids(Set<Int32>)
    /// The id rendered at pixel (x, y) of a view (training resolution, origin top left).
    case pixel(view: String, x: Int, y: Int)
    /// The ids with more than `ObjectSettings.maskSelectionShare` (70%) of their rendered area inside
    /// a binary PNG mask on a view (IoA rule, METHOD.md §4.1).
    case maskFile(view: String, url: URL)
    /// The same with an in-memory mask (row-major H·W at the training resolution).
    case mask(view: Int, pixels: [Bool])
}

extension EditableModel {
    /// The object ids a query names; throws, naming the valid ids, when it names no object.
    public func resolve(_ query: ObjectQuery, backend: RasterBackend) throws -> Set<Int32> {
        let ids: Set<Int32>
        switch query {
        case .ids(let given):
            let unknown = given.filter { table.object(Int($0)) == nil }.sorted()
            guard unknown.isEmpty else {
                throw SplatError("no object has id \(unknown.map(String.init).joined(separator: ", ")): \(table.validIDsText)")
            }
            ids = given
        case .pixel(let name, let x, let y):
            let view = try viewIndex(name)
            let camera = trained.camera(ofView: view)
            let id = try ObjectSelection.id(atX: x, y: y, idMap: try pixelIDs(view: view, backend: backend),
                                            width: camera.width, height: camera.height)
            guard id > 0 else { throw SplatError("no object is drawn at pixel (\(x), \(y)) of view \(name)") }
            ids = [id]
        case .maskFile(let name, let url):
            let view = try viewIndex(name)
            let camera = trained.camera(ofView: view)
            let pixels = try Self.readBinaryMask(url, width: camera.width, height: camera.height)
            ids = try resolve(.mask(view: view, pixels: pixels), backend: backend)
        case .mask(let view, let pixels):
            guard scene.views.indices.contains(view) else { throw SplatError("view \(view) is out of range") }
            let share = table.settings.maskSelectionShare
            ids = Set(try ObjectSelection.ids(insideMask: pixels, idMap: try pixelIDs(view: view, backend: backend),
                                              threshold: share).filter { $0 > 0 })
            guard !ids.isEmpty else {
                throw SplatError("the mask holds no object (none has more than \(Int(share * 100))% of its area inside it)")
            }
        }
        return ids
    }

    /// The Gaussians of the selected objects: by their object id, or with `threshold` by
    /// Σ_{k ∈ entries of the object} softmax(C·f_i)[k] > threshold (Gaussian Grouping's rule,
    /// METHOD.md §2). An object split off by space shares its parent's entries, so it is selected
    /// by its id, and the threshold rule leaves its Gaussians out unless it is selected.
    public func selectGaussians(ids: Set<Int32>, threshold: Float? = nil) throws -> [Bool] {
        guard let threshold else { return ObjectSelection.gaussians(withIDs: ids, objectIDs: objectIDs) }
        let n = gaussians.count, d = gaussians.featureCount
        var planar = [Float](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d { planar[j * n + i] = gaussians.features[i * d + j] } }
        let planes = try LiftInference.probabilities(features: planar, pixelCount: n, codebook: codebook)
        let splitIDs = Set(table.objects.filter { $0.parent != nil }.map { Int32($0.id) })
        var keep = ObjectSelection.gaussians(withIDs: ids.intersection(splitIDs), objectIDs: objectIDs)
        for id in ids {
            guard let entries = table.object(Int(id))?.entries, !entries.isEmpty else { continue }
            for i in 0..<n where !splitIDs.contains(objectIDs[i]) && entries.reduce(0, { $0 + planes[$1 * n + i] }) > threshold {
                keep[i] = true
            }
        }
        return keep
    }

    /// A binary mask PNG (any channel > 0.5 is inside) at `width`×`height`; a larger mask with the
    /// same aspect (the full-resolution photo) is sampled at the nearest pixel.
    static func readBinaryMask(_ url: URL, width: Int, height: Int) throws -> [Bool] {
        let image = try ImageIO.readImage(url)
        guard image.width * height == image.height * width, image.width >= width else {
            throw SplatError("mask is \(image.width)x\(image.height), the view renders \(width)x\(height)", path: url.path)
        }
        let hw = image.width * image.height
        var mask = [Bool](repeating: false, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let sx = min(image.width - 1, (2 * x + 1) * image.width / (2 * width))
                let sy = min(image.height - 1, (2 * y + 1) * image.height / (2 * height))
                let p = sy * image.width + sx
                mask[y * width + x] = image.pixels[p] > 0.5 || image.pixels[hw + p] > 0.5 || image.pixels[2 * hw + p] > 0.5
            }
        }
        return mask
    }
}
