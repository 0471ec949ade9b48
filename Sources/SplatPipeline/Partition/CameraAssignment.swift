import SplatIO
import SplatMath

/// Which views a block trains on (VastGaussian's visibility-based camera selection, counted on
/// the scene's points instead of the block's projected box): a view belongs to a block when its
/// camera stands inside the block's expanded bounds, or when at least `visibility` of the points
/// it sees lie in those bounds. The points a view sees are the ones whose COLMAP track holds it
/// (occlusion included); for a model without tracks, the ones in front of it inside its image
/// (occlusion not tested). A block left with fewer than `minimum` training views takes the
/// training views that see most of its points.
public enum CameraAssignment {
    public struct Settings: Codable, Sendable, Equatable {
        public var visibility: Double
        public var minimum: Int
        public init(visibility: Double = 0.25, minimum: Int = 8) { self.visibility = visibility; self.minimum = minimum }
    }

    /// For every block (its expanded bounds), the indices of its views, ascending.
    /// `observations[v]`: the indices of the points view v observes (COLMAP tracks), or nil.
    public static func assign(blocks: [BlockBounds], cameras: [PinholeCamera], trainViews: Set<Int>,
                              points: [Float], observations: [[Int]]?, ground: GroundPlane, settings: Settings) -> [[Int]] {
        let coordinates = ground.coordinates(of: points)
        let blockOfPoint = coordinates.map { c in blocks.indices.filter { blocks[$0].contains(u: c.u, v: c.v) } }
        // seen[v][b]: points of block b that view v sees; total[v]: all points view v sees.
        var seen = [[Int]](repeating: [Int](repeating: 0, count: blocks.count), count: cameras.count)
        var total = [Int](repeating: 0, count: cameras.count)
        for (v, camera) in cameras.enumerated() {
            for p in observations?[v] ?? projected(points, into: camera) {
                total[v] += 1
                for b in blockOfPoint[p] { seen[v][b] += 1 }
            }
        }
        return blocks.indices.map { b in
            var views = Set(cameras.indices.filter { v in
                let centre = camera(cameras[v], ground)
                return blocks[b].contains(u: centre.u, v: centre.v)
                    || (total[v] > 0 && Double(seen[v][b]) >= settings.visibility * Double(total[v]))
            })
            let training = views.filter(trainViews.contains).count
            if training < settings.minimum {
                let extra = trainViews.subtracting(views).filter { seen[$0][b] > 0 }
                    .sorted { (seen[$0][b], $1) > (seen[$1][b], $0) }.prefix(settings.minimum - training)
                views.formUnion(extra)
            }
            return views.sorted()
        }
    }

    /// The points in front of `camera` that fall inside its image.
    static func projected(_ points: [Float], into camera: PinholeCamera) -> [Int] {
        (0..<(points.count / 3)).filter { p in
            let (px, py, depth) = camera.project(Vec3(Double(points[3 * p]), Double(points[3 * p + 1]), Double(points[3 * p + 2])))
            return depth > 1e-6 && px >= 0 && py >= 0 && px < Double(camera.width) && py < Double(camera.height)
        }
    }

    /// Per view (in `names` order), the indices of the points of `model` whose tracks hold it; nil
    /// when the model has no tracks.
    public static func observations(_ model: ColmapModel, names: [String]) -> [[Int]]? {
        guard model.points.contains(where: { !$0.track.isEmpty }) else { return nil }
        let viewOfName = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let viewOfImage = Dictionary(model.images.compactMap { image in viewOfName[image.name].map { (image.id, $0) } },
                                     uniquingKeysWith: { a, _ in a })
        var observed = [[Int]](repeating: [], count: names.count)
        for (p, point) in model.points.enumerated() {
            for v in Set(point.track.compactMap { viewOfImage[$0.imageID] }) { observed[v].append(p) }
        }
        return observed
    }

    static func camera(_ camera: PinholeCamera, _ ground: GroundPlane) -> (u: Double, v: Double) {
        let c = camera.center
        return ground.coordinates(c.x, c.y, c.z)
    }
}
