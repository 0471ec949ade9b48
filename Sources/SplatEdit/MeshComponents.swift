extension TriangleMesh {
    /// The connected piece with the most triangles (triangles sharing a vertex are connected;
    /// marching cubes shares vertices along grid edges), vertices renumbered in first-use order.
    /// Drops the small floaters that stray depth leaves in a fused mesh.
    public func largestComponent() -> TriangleMesh {
        guard triangleCount > 0 else { return self }
        var parent = Array(0..<vertexCount)
        func find(_ v: Int) -> Int {
            var v = v
            while parent[v] != v { parent[v] = parent[parent[v]]; v = parent[v] }
            return v
        }
        for t in 0..<triangleCount {
            let a = find(Int(triangles[3 * t])), b = find(Int(triangles[3 * t + 1])), c = find(Int(triangles[3 * t + 2]))
            parent[b] = a
            parent[find(c)] = find(a)
        }
        var size = [Int: Int]()
        for t in 0..<triangleCount { size[find(Int(triangles[3 * t])), default: 0] += 1 }
        let largest = size.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!.key
        var newIndex = [Int32](repeating: -1, count: vertexCount)
        var out = TriangleMesh()
        for t in 0..<triangleCount where find(Int(triangles[3 * t])) == largest {
            for k in 0..<3 {
                let v = Int(triangles[3 * t + k])
                if newIndex[v] < 0 {
                    newIndex[v] = Int32(out.vertexCount)
                    out.vertices += [vertices[3 * v], vertices[3 * v + 1], vertices[3 * v + 2]]
                }
                out.triangles.append(newIndex[v])
            }
        }
        return out
    }
}
