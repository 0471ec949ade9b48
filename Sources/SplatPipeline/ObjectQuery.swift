import Foundation
import SplatEdit
import SplatIO
import SplatLift
import SplatMath
import SplatRaster

/// How a user names an object (the CLI's `--ids`, `--pixel`, `--mask`).
public enum ObjectQuery: Sendable, Equatable {
    /// Object ids (codebook entries; with an object grouping, any entry of an object names it).
    case ids(Set<Int32>)
    /// The id rendered at pixel (x, y) of a view (training resolution, origin top left).
    case pixel(view: String, x: Int, y: Int)
    /// The ids with more than 70% of their rendered area inside a binary PNG mask on a view
    /// (IoA rule, METHOD.md §4.1).
    case maskFile(view: String, url: URL)
    /// The same with an in-memory mask (row-major H·W at the training resolution).
    case mask(view: Int, pixels: [Bool])
}

extension EditableModel {
    /// The object ids a query names; throws when it names none.
    public func resolve(_ query: ObjectQuery, backend: RasterBackend) throws -> Set<Int32> {
        let ids: Set<Int32>
        switch query {
        case .ids(let given):
            // An entry of a grouped object stands for its object.
            let grouping = segmented.grouping
            ids = Set(given.map { id in
                guard let grouping, id >= 0, Int(id) < grouping.entryCount, grouping.objectOfEntry[Int(id)] >= 0 else { return id }
                return grouping.objectOfEntry[Int(id)]
            })
        case .pixel(let name, let x, let y):
            let view = try viewIndex(name)
            let output = render(view: view, backend: backend)
            ids = [try ObjectSelection.id(atX: x, y: y, idMap: try pixelIDs(view: view, output: output, backend: backend), width: output.width, height: output.height)]
        case .maskFile(let name, let url):
            let view = try viewIndex(name)
            let camera = trained.camera(ofView: view)
            let pixels = try Self.readBinaryMask(url, width: camera.width, height: camera.height)
            ids = try resolve(.mask(view: view, pixels: pixels), backend: backend)
        case .mask(let view, let pixels):
            guard scene.views.indices.contains(view) else { throw SplatError("view \(view) is out of range") }
            let output = render(view: view, backend: backend)
            ids = Set(try ObjectSelection.ids(insideMask: pixels, idMap: try pixelIDs(view: view, output: output, backend: backend)))
        }
        guard !ids.isEmpty else { throw SplatError("the selection names no object (no id has more than 70% of its area inside the mask)") }
        return ids
    }

    /// The Gaussians of the selected ids: by their object id, or with `threshold` by
    /// softmax(C·f_i)[k] > threshold for some selected k (Gaussian Grouping's rule, METHOD.md §2);
    /// with an object grouping, an object's probability is the sum over its entries. Objects split
    /// off by space share their features with the object they came from, so they are selected by
    /// object id, and the threshold rule leaves their Gaussians out unless they are selected.
    public func selectGaussians(ids: Set<Int32>, threshold: Float? = nil) throws -> [Bool] {
        guard let threshold else { return ObjectSelection.gaussians(withIDs: ids, objectIDs: objectIDs) }
        let n = gaussians.count, d = gaussians.featureCount
        var planar = [Float](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d { planar[j * n + i] = gaussians.features[i * d + j] } }
        let planes = try LiftInference.probabilities(features: planar, pixelCount: n, codebook: codebook)
        let splitIDs = Set((segmented.grouping?.splits ?? []).map { Int32($0.id) })
        var keep = ObjectSelection.gaussians(withIDs: ids.intersection(splitIDs), objectIDs: objectIDs)
        for k in ids where k >= 0 && Int(k) < codebook.entryCount {
            let entries = segmented.grouping?.members(of: Int(k)) ?? [Int(k)]
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
