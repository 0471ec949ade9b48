import Foundation
import SplatMath

/// Colours seed points from the photos when the model carries none (VGGSfM writes all zeros).
enum PointColoring {
    /// Each point takes the colour of the pixel it projects to in the first view of its track
    /// where it lies in front of the camera and inside the image; 0.5 grey when there is none.
    /// Only images that some point needs are read, each once.
    static func colorsFromImages(_ scene: Scene, tracks: [[Int]]) throws -> [Float] {
        let n = scene.pointCount
        var colors = [Float](repeating: 0.5, count: 3 * n)
        var pending = [[Int]](repeating: [], count: scene.views.count)  // points waiting on a view
        var next = [Int](repeating: 0, count: n)                        // position in each point's track
        for p in 0..<n where !tracks[p].isEmpty { pending[tracks[p][0]].append(p) }
        // Visit views in index order; a point that misses a view moves on to its next track view.
        var changed = true
        while changed {
            changed = false
            for v in scene.views.indices where !pending[v].isEmpty {
                let waiting = pending[v]
                pending[v] = []
                let image = try scene.loadImage(v)
                let cam = scene.views[v].camera, size = image.width * image.height
                for p in waiting {
                    let world = Vec3(Double(scene.points[3 * p]), Double(scene.points[3 * p + 1]), Double(scene.points[3 * p + 2]))
                    let (u, w, depth) = cam.project(world)
                    let inside = depth > 0 && u >= 0 && w >= 0 && u < Double(image.width) && w < Double(image.height)
                    if inside {
                        let pix = Int(w) * image.width + Int(u)
                        for c in 0..<3 { colors[3 * p + c] = image.pixels[c * size + pix] }
                    } else {
                        next[p] += 1
                        if next[p] < tracks[p].count { pending[tracks[p][next[p]]].append(p); changed = true }
                    }
                }
            }
        }
        return colors
    }
}
