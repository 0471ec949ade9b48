/// The marching-cubes case table, generated once from the cube's geometry instead of typed in.
///
/// Corners: 0 (0,0,0), 1 (1,0,0), 2 (1,1,0), 3 (0,1,0), 4 (0,0,1), 5 (1,0,1), 6 (1,1,1), 7 (0,1,1).
/// Edges 0–11 join corners (0,1) (1,2) (2,3) (3,0) (4,5) (5,6) (6,7) (7,4) (0,4) (1,5) (2,6) (3,7).
/// A corner is inside when its value is below the iso level; case bit c is set for inside corner c.
///
/// Construction: on every face, each maximal run of consecutive inside corners (the face walked
/// counter-clockwise as seen from outside the cube) yields one segment from the crossed edge after
/// the run to the crossed edge before it. These segments are the boundary of the inside region on
/// the cube's surface, oriented with that region on the left. On an ambiguous face (two diagonal
/// inside corners) this keeps the inside corners apart; the rule depends only on the face's four
/// corners, so the two cubes sharing a face cut it the same way and the surface is watertight.
/// Chaining the segments gives closed loops; each loop, reversed, is an isosurface polygon whose
/// normal points to the outside (higher values), and is fanned into triangles.
enum MarchingCubesTable {
    static let cornerOffsets: [(Int, Int, Int)] = [
        (0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0), (0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 1, 1),
    ]
    static let edgeCorners: [(Int, Int)] = [
        (0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4), (0, 4), (1, 5), (2, 6), (3, 7),
    ]
    /// Faces, corners counter-clockwise seen from outside the cube.
    static let faces: [[Int]] = [
        [0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [3, 7, 6, 2], [0, 4, 7, 3], [1, 2, 6, 5],
    ]

    /// For each of the 256 cases: the isosurface polygons (loops of edge numbers, counter-clockwise
    /// seen from outside) and their triangles as triples of edge numbers, where 12 + p stands for
    /// the centre of polygon p.
    static let cases: [(polygons: [[Int]], triangles: [Int])] = (0..<256).map { config in
        let polygons = loops(config)
        var triangles = [Int]()
        for (p, polygon) in polygons.enumerated() { triangles += triangulate(polygon, centre: 12 + p) }
        return (polygons, triangles)
    }

    static func edge(_ a: Int, _ b: Int) -> Int {
        edgeCorners.firstIndex { ($0.0 == a && $0.1 == b) || ($0.0 == b && $0.1 == a) } ?? -1
    }

    /// The edges around each face.
    static let faceEdges: [Set<Int>] = faces.map { f in Set((0..<4).map { edge(f[$0], f[($0 + 1) % 4]) }) }

    /// The isosurface polygons of a case.
    static func loops(_ config: Int) -> [[Int]] {
        let inside = (0..<8).map { config & (1 << $0) != 0 }
        var next = [Int](repeating: -1, count: 12)
        for face in faces {
            guard let start = (0..<4).first(where: { !inside[face[$0]] }) else { continue }  // all inside
            // Walk from an outside corner; each run of inside corners gives one segment.
            var k = 0
            while k < 4 {
                let c = face[(start + k) % 4]
                if !inside[c] { k += 1; continue }
                let before = edge(face[(start + k - 1 + 4) % 4], c)
                var last = k
                while last + 1 < 4 && inside[face[(start + last + 1) % 4]] { last += 1 }
                let after = edge(face[(start + last) % 4], face[(start + last + 1) % 4])
                next[after] = before
                k = last + 1
            }
        }
        var used = [Bool](repeating: false, count: 12)
        var result = [[Int]]()
        for first in 0..<12 where next[first] >= 0 && !used[first] {
            var loop = [Int]()
            var e = first
            while !used[e] {
                used[e] = true
                loop.append(e)
                e = next[e]
            }
            result.append(Array(loop.reversed()))
        }
        return result
    }

    /// A fan from a vertex whose diagonals all cross the cube's interior. A diagonal joining two
    /// vertices on one face could also be drawn by the neighbour sharing that face and make an edge
    /// with four triangles; when every fan would draw one, the polygon is fanned from its centre.
    static func triangulate(_ polygon: [Int], centre: Int) -> [Int] {
        let n = polygon.count
        func onOneFace(_ a: Int, _ b: Int) -> Bool { faceEdges.contains { $0.contains(a) && $0.contains(b) } }
        for s in 0..<n {
            let diagonals = (2..<max(2, n - 1)).map { polygon[(s + $0) % n] }
            if diagonals.contains(where: { onOneFace(polygon[s], $0) }) { continue }
            return (1..<(n - 1)).flatMap { [polygon[s], polygon[(s + $0) % n], polygon[(s + $0 + 1) % n]] }
        }
        return (0..<n).flatMap { [centre, polygon[$0], polygon[($0 + 1) % n]] }
    }
}
