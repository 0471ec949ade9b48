import SplatMath

/// An indexed triangle mesh in world coordinates, vertices as flat xyz Float triples.
public struct TriangleMesh: Sendable, Equatable {
    public var vertices: [Float]
    /// Vertex indices, three per triangle, counter-clockwise seen from outside.
    public var triangles: [Int32]

    public init(vertices: [Float] = [], triangles: [Int32] = []) {
        self.vertices = vertices
        self.triangles = triangles
    }

    public var vertexCount: Int { vertices.count / 3 }
    public var triangleCount: Int { triangles.count / 3 }

    public func vertex(_ i: Int) -> Vec3 {
        Vec3(Double(vertices[3 * i]), Double(vertices[3 * i + 1]), Double(vertices[3 * i + 2]))
    }

    /// The three corners of triangle t.
    public func corners(_ t: Int) -> (Vec3, Vec3, Vec3) {
        (vertex(Int(triangles[3 * t])), vertex(Int(triangles[3 * t + 1])), vertex(Int(triangles[3 * t + 2])))
    }

    /// Total surface area.
    public var area: Double {
        (0..<triangleCount).reduce(0) { sum, t in
            let (a, b, c) = corners(t)
            return sum + 0.5 * (b - a).cross(c - a).length
        }
    }

    /// Signed enclosed volume (divergence theorem); positive for a closed, outward-facing mesh.
    public var signedVolume: Double {
        (0..<triangleCount).reduce(0) { sum, t in
            let (a, b, c) = corners(t)
            return sum + a.dot(b.cross(c)) / 6
        }
    }

    /// Counts of undirected edges used by one triangle (holes) and by more than two (non-manifold).
    public var edgeDefects: (boundary: Int, nonManifold: Int) {
        var uses = [UInt64: Int]()
        for t in 0..<triangleCount {
            for k in 0..<3 {
                let a = UInt64(triangles[3 * t + k]), b = UInt64(triangles[3 * t + (k + 1) % 3])
                uses[min(a, b) << 32 | max(a, b), default: 0] += 1
            }
        }
        return (uses.values.filter { $0 == 1 }.count, uses.values.filter { $0 > 2 }.count)
    }
}
