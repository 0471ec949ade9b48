import Foundation
import SplatMath

/// One analytic primitive of a ground-truth object, in world coordinates.
public enum GroundTruthPrimitive: Sendable, Equatable {
    case sphere(center: Vec3, radius: Double)
    /// x_world = rotation · x_local + center, |x_local| ≤ halfExtents per axis.
    case box(center: Vec3, rotation: Mat3, halfExtents: Vec3)
}

/// The objects of a synthetic scene whose shape is known exactly (spheres and boxes), read from
/// its `scene.json`: SplatSynth's layout (parts with centre, rotation and named parameters) or
/// the shared `gen_scene.py` layout (object base `pos` and `yaw`, parts `{"r"}` / `{"e"}`; tilted
/// boxes `rbox` carry no rotation there and are skipped).
public enum GroundTruthShapes {
    /// Object id → its primitives, for objects made only of spheres and boxes.
    public static func read(_ url: URL) throws -> [Int32: [GroundTruthPrimitive]] {
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) } catch {
            throw SplatError("cannot read scene.json: \(error.localizedDescription)", path: url.path)
        }
        guard let root = json as? [String: Any], let objects = root["objects"] as? [[String: Any]] else {
            throw SplatError("scene.json has no objects list", path: url.path)
        }
        var shapes = [Int32: [GroundTruthPrimitive]]()
        for object in objects {
            guard let id = (object["id"] as? NSNumber)?.int32Value,
                  let parts = object["parts"] as? [[String: Any]], !parts.isEmpty else { continue }
            let kind = object["kind"] as? String ?? ""
            let primitives = parts.compactMap { part(object: object, kind: kind, $0) }
            if primitives.count == parts.count { shapes[id] = primitives }
        }
        return shapes
    }

    private static func vec(_ value: Any?) -> Vec3? {
        guard let a = value as? [NSNumber], a.count == 3 else { return nil }
        return Vec3(a[0].doubleValue, a[1].doubleValue, a[2].doubleValue)
    }

    private static func part(object: [String: Any], kind: String, _ part: [String: Any]) -> GroundTruthPrimitive? {
        let params = part["params"] as? [String: Any] ?? [:]
        let partKind = part["kind"] as? String
        if let center = vec(part["center"]) {
            // SplatSynth layout: world centre and rotation rows given.
            guard let rows = part["rotation"] as? [Any], rows.count == 3,
                  let r0 = vec(rows[0]), let r1 = vec(rows[1]), let r2 = vec(rows[2]) else { return nil }
            if partKind == "sphere", let r = (params["radius"] as? NSNumber)?.doubleValue {
                return .sphere(center: center, radius: r)
            }
            if partKind == "box", let e = vec(params["half_extents"]) {
                return .box(center: center, rotation: Mat3(rows: r0, r1, r2), halfExtents: e)
            }
            return nil
        }
        // gen_scene.py layout: local part centres are implied by the object kind.
        guard let base = vec(object["pos"]), let yaw = (object["yaw"] as? NSNumber)?.doubleValue else { return nil }
        let c = cos(yaw), s = sin(yaw)
        let rz = Mat3(rows: Vec3(c, -s, 0), Vec3(s, c, 0), Vec3(0, 0, 1))
        if ["sphere", "pebble"].contains(kind), partKind == "sphere", let r = (params["r"] as? NSNumber)?.doubleValue {
            return .sphere(center: base + Vec3(0, 0, r), radius: r)
        }
        if ["box", "dice"].contains(kind), partKind == "box", let e = vec(params["e"]) {
            return .box(center: base + Vec3(0, 0, e.z), rotation: rz, halfExtents: e)
        }
        return nil
    }

    /// `count` points spread uniformly (by area) over the primitives' visible surface, seeded.
    /// Box faces looking straight down rest on their support and are never seen: left out.
    public static func surfacePoints(_ primitives: [GroundTruthPrimitive], count: Int, seed: UInt64 = 1) -> [Float] {
        struct Patch { var area: Double; var sample: (inout SplatRandom) -> Vec3 }
        var patches = [Patch]()
        for p in primitives {
            switch p {
            case .sphere(let center, let radius):
                patches.append(Patch(area: 4 * Double.pi * radius * radius) { rng in
                    var v = Vec3.zero
                    repeat { v = Vec3(rng.uniform() * 2 - 1, rng.uniform() * 2 - 1, rng.uniform() * 2 - 1) }
                    while v.length > 1 || v.length < 1e-6
                    return center + v.normalized * radius
                })
            case .box(let center, let rotation, let e):
                for axis in 0..<3 {
                    for sign in [-1.0, 1.0] {
                        var normal = Vec3.zero
                        normal[axis] = sign
                        let world = rotation * normal
                        if world.z < -0.99 { continue }
                        let u = (axis + 1) % 3, v = (axis + 2) % 3
                        let area = 4 * e[u] * e[v]
                        patches.append(Patch(area: area) { rng in
                            var q = Vec3.zero
                            q[axis] = sign * e[axis]
                            q[u] = (rng.uniform() * 2 - 1) * e[u]
                            q[v] = (rng.uniform() * 2 - 1) * e[v]
                            return center + rotation * q
                        })
                    }
                }
            }
        }
        let total = patches.reduce(0) { $0 + $1.area }
        guard total > 0, count > 0 else { return [] }
        var rng = SplatRandom(seed: seed)
        var out = [Float]()
        out.reserveCapacity(3 * count)
        for _ in 0..<count {
            var target = rng.uniform() * total
            var chosen = patches[patches.count - 1]
            for patch in patches {
                if target < patch.area { chosen = patch; break }
                target -= patch.area
            }
            let p = chosen.sample(&rng)
            out += [Float(p.x), Float(p.y), Float(p.z)]
        }
        return out
    }
}
