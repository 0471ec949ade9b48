import Foundation
import SplatEdit
import SplatMath
import SplatRaster
import SplatTrain

/// Settings of `EditableModel.meshObject`.
public struct ObjectMeshOptions: Sendable {
    /// Voxel edge in world units; nil = the object's longest side / `voxelsPerSide`.
    public var voxelSize: Double?
    /// Default resolution: 64 voxels along the longest side of the object's robust bounds
    /// (the selected Gaussian centres between their 2nd and 98th percentiles per axis).
    public var voxelsPerSide: Double = 64
    /// Truncation distance in voxels.
    public var truncationVoxels: Double = 4
    /// Views whose depth is fused (the training views by default).
    public var split: ViewSplit = .train
    /// Keep only the connected piece with the most triangles (drops floaters from stray depth).
    public var largestComponentOnly = true

    public init(voxelSize: Double? = nil) { self.voxelSize = voxelSize }
}

/// A fused object mesh and how it was made.
public struct ObjectMeshResult: Sendable {
    public var mesh: TriangleMesh
    public var voxelSize: Double
    public var boundsMin: Vec3
    public var boundsMax: Vec3
    /// Views with at least one object pixel.
    public var viewsWithObject: Int
}

extension EditableModel {
    /// TSDF fusion of the rendered depth (Σ w·z with the accumulated alpha) of every view of
    /// `options.split`, restricted to the pixels whose rendered id is in `ids` and whose surface
    /// point lies inside the grid, then marching
    /// cubes (by default only its largest connected piece); world coordinates. The grid covers the selected Gaussians' robust bounds padded by
    /// 15% of their longest side.
    public func meshObject(ids: Set<Int32>, selection: [Bool], options: ObjectMeshOptions = ObjectMeshOptions(),
                           backend: RasterBackend) throws -> ObjectMeshResult {
        guard let (lo, hi) = Self.robustBounds(gaussians.means, selection: selection) else {
            throw SplatError("the selection holds no Gaussian: nothing to mesh")
        }
        let extent = hi - lo
        let longest = max(extent.x, extent.y, extent.z, 1e-6)
        let pad = 0.15 * longest
        let boundsMin = lo - Vec3(pad, pad, pad), boundsMax = hi + Vec3(pad, pad, pad)
        let voxel = options.voxelSize ?? longest / options.voxelsPerSide
        var volume = try TSDFVolume(boundsMin: boundsMin, boundsMax: boundsMax, voxelSize: voxel,
                                    truncationVoxels: options.truncationVoxels)
        var seen = 0
        for index in options.split.indices(in: scene) {
            let output = render(view: index, backend: backend)
            let camera = trained.camera(ofView: index)
            var mask = try pixelIDs(view: index, backend: backend).map { ids.contains($0) }
            // An object pixel whose surface point falls outside the grid belongs to something else
            // (an id that also covers part of another surface): fuse it as another surface.
            for p in mask.indices where mask[p] {
                let alpha = output.alpha[p]
                guard alpha > 0.5 else { continue }
                let z = Double(output.depth[p] / alpha)
                let x = (Double(p % camera.width) + 0.5 - camera.cx) / camera.fx * z
                let y = (Double(p / camera.width) + 0.5 - camera.cy) / camera.fy * z
                let world = camera.rotation.transposed * (Vec3(x, y, z) - camera.translation)
                if (0..<3).contains(where: { world[$0] < boundsMin[$0] || world[$0] > boundsMax[$0] }) { mask[p] = false }
            }
            guard mask.contains(true) else { continue }
            seen += 1
            volume.integrate(try DepthView(camera: camera, depth: output.depth,
                                           alpha: output.alpha, mask: mask))
        }
        guard seen > 0 else { throw SplatError("no \(options.split.rawValue) view shows the selected object") }
        let fused = try volume.mesh()
        return ObjectMeshResult(mesh: options.largestComponentOnly ? fused.largestComponent() : fused, voxelSize: voxel, boundsMin: boundsMin, boundsMax: boundsMax,
                                viewsWithObject: seen)
    }

    /// Per-axis 2nd and 98th percentiles of the selected centres (robust to a few stray Gaussians).
    static func robustBounds(_ means: [Float], selection: [Bool]) -> (Vec3, Vec3)? {
        var axes: [[Float]] = [[], [], []]
        for i in selection.indices where selection[i] {
            for a in 0..<3 { axes[a].append(means[3 * i + a]) }
        }
        guard !axes[0].isEmpty else { return nil }
        var lo = Vec3.zero, hi = Vec3.zero
        for a in 0..<3 {
            let sorted = axes[a].sorted()
            let last = sorted.count - 1
            lo[a] = Double(sorted[Int((0.02 * Double(last)).rounded())])
            hi[a] = Double(sorted[Int((0.98 * Double(last)).rounded())])
        }
        return (lo, hi)
    }
}
