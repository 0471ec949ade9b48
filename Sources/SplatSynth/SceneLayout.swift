#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SplatMath

/// Lays out a room, objects, lights and cameras from a config (deterministic for its seed).
public enum SceneLayout {
    /// Objects are built at a nominal size and then enlarged so they fill more of the small demo images.
    static let objectScale = 1.2

    /// The scene for `config` (no rendering yet).
    public static func make(_ config: SynthConfig) throws -> SynthScene {
        try config.validate()
        var roomRng = SplatRandom.stream(seed: config.seed, 1)
        var objRng = SplatRandom.stream(seed: config.seed, 2)
        var camRng = SplatRandom.stream(seed: config.seed, 3)

        // Room: floor, 2–3 walls, a backdrop sphere; the key light comes in through an open side.
        let halfX = roomRng.uniform(3.1, 3.7), halfY = roomRng.uniform(3.1, 3.7)
        let wallHeight = roomRng.uniform(2.3, 2.8)
        let sides = ["north", "east", "south", "west"]
        let start = roomRng.int(below: 4), wallCount = 2 + roomRng.int(below: 2)
        let walls = (0..<wallCount).map { sides[(start + $0) % 4] }
        let backdropRadius = 30.0, far = backdropRadius * 0.97

        var materials: [Material] = []
        var instances: [SynthInstance] = []
        var primitives: [Primitive] = []
        var nextID: Int32 = 1, nextPart: Int32 = 0

        let floorMaterial: Material
        if roomRng.uniform() < 0.5 {
            let c1 = hsvColor(roomRng.uniform(0.05, 0.1), roomRng.uniform(0.35, 0.6), roomRng.uniform(0.5, 0.75))
            floorMaterial = Material(texture: .planks, color1: c1, color2: c1 * 0.6, scale: roomRng.uniform(0.14, 0.2),
                                     seed: roomRng.next() % 100_000)
        } else {
            floorMaterial = Material(texture: .tiles,
                                     color1: hsvColor(roomRng.uniform(), roomRng.uniform(0.05, 0.3), roomRng.uniform(0.6, 0.85)),
                                     color2: hsvColor(roomRng.uniform(), roomRng.uniform(0.05, 0.35), roomRng.uniform(0.3, 0.5)),
                                     scale: roomRng.uniform(0.3, 0.45), seed: roomRng.next() % 100_000)
        }
        let x0 = walls.contains("west") ? -halfX : -far, x1 = walls.contains("east") ? halfX : far
        let y0 = walls.contains("south") ? -halfY : -far, y1 = walls.contains("north") ? halfY : far
        materials.append(floorMaterial)
        primitives.append(Primitive(shape: .quad(u0: x0, u1: x1, v0: y0, v1: y1), toWorld: .identity, center: .zero,
                                    instance: nextID, part: nextPart, material: 0, occluder: false))
        instances.append(SynthInstance(id: nextID, name: "floor", kind: "floor", isBackground: true, parts: ["quad"],
                                       texture: floorMaterial.texture.rawValue, color: floorMaterial.color1))
        nextID += 1; nextPart += 1

        let wallTextures: [TextureKind] = [.bricks, .wallpaper, .plaster, .panel]
        let wallOrder = roomRng.permutation(4)
        for (i, side) in walls.enumerated() {
            let n: Vec3
            switch side {
            case "north": n = Vec3(0, -1, 0)
            case "south": n = Vec3(0, 1, 0)
            case "east": n = Vec3(-1, 0, 0)
            default: n = Vec3(1, 0, 0)
            }
            let up = Vec3(0, 0, 1), along = up.cross(n)
            let isNS = side == "north" || side == "south"
            let center = -n * (isNS ? halfY : halfX), half = isNS ? halfX : halfY
            let texture = wallTextures[wallOrder[i]]
            let hue = roomRng.uniform()
            var m = Material(texture: texture, color1: hsvColor(hue, roomRng.uniform(0.05, 0.3), roomRng.uniform(0.65, 0.9)),
                             color2: hsvColor(hue + roomRng.uniform(-0.1, 0.1), roomRng.uniform(0.1, 0.4), roomRng.uniform(0.45, 0.75)),
                             scale: 0.2, seed: roomRng.next() % 100_000)
            switch texture {
            case .bricks:
                m.color1 = hsvColor(roomRng.uniform(0, 0.06), roomRng.uniform(0.4, 0.65), roomRng.uniform(0.45, 0.7))
                m.color2 = hsvColor(roomRng.uniform(0.02, 0.08), roomRng.uniform(0.3, 0.6), roomRng.uniform(0.3, 0.5))
                m.scale = roomRng.uniform(0.2, 0.26)
            case .wallpaper: m.scale = roomRng.uniform(0.12, 0.25)
            case .panel: m.scale = roomRng.uniform(0.4, 0.6)
            default: m.scale = 0.3
            }
            materials.append(m)
            primitives.append(Primitive(shape: .quad(u0: -half, u1: half, v0: 0, v1: wallHeight),
                                        toWorld: matrixWithColumns(along, up, n), center: center,
                                        instance: nextID, part: nextPart, material: materials.count - 1, occluder: false))
            instances.append(SynthInstance(id: nextID, name: "wall_" + side, kind: "wall", isBackground: true,
                                           parts: ["quad"], texture: texture.rawValue, color: m.color1))
            nextID += 1; nextPart += 1
        }

        let sky = Material(texture: .sky, color1: hsvColor(roomRng.uniform(0.52, 0.62), roomRng.uniform(0.08, 0.2), roomRng.uniform(0.8, 0.92)),
                           color2: hsvColor(roomRng.uniform(0.55, 0.65), roomRng.uniform(0.3, 0.55), roomRng.uniform(0.65, 0.82)),
                           scale: 1, seed: roomRng.next() % 100_000)
        let hills = hsvColor(roomRng.uniform(0.25, 0.4), roomRng.uniform(0.2, 0.4), roomRng.uniform(0.35, 0.55))
        let ground = hsvColor(roomRng.uniform(0.08, 0.15), roomRng.uniform(0.1, 0.25), roomRng.uniform(0.45, 0.6))
        materials.append(sky)
        let backdropID = nextID
        let backdrop = Primitive(shape: .backdrop(radius: backdropRadius), toWorld: .identity, center: .zero,
                                 instance: backdropID, part: nextPart, material: materials.count - 1, occluder: false)
        instances.append(SynthInstance(id: backdropID, name: "backdrop", kind: "backdrop", isBackground: true,
                                       parts: ["backdrop"], texture: "sky", color: sky.color1))
        nextID += 1; nextPart += 1

        let openSide = sides.first { !walls.contains($0) } ?? "east"
        let openAngle: Double = ["north": Double.pi / 2, "east": 0, "south": -Double.pi / 2, "west": Double.pi][openSide] ?? 0
        let ka = openAngle + roomRng.uniform(-0.6, 0.6), ke = roomRng.uniform(0.75, 1.1)
        let fa = ka + Double.pi + roomRng.uniform(-0.8, 0.8), fe = roomRng.uniform(0.3, 0.6)
        let lights = SynthLights(keyDirection: Vec3(cos(ka) * cos(ke), sin(ka) * cos(ke), sin(ke)),
                                 keyIntensity: roomRng.uniform(0.9, 1.1),
                                 fillDirection: Vec3(cos(fa) * cos(fe), sin(fa) * cos(fe), sin(fe)),
                                 fillIntensity: roomRng.uniform(0.2, 0.35))

        // Objects: build, place on the floor without overlap (some touching), then flatten.
        let kinds = ObjectBuilder.chooseKinds(config.objects, rng: &objRng)
        let hue0 = objRng.uniform(), texOffset = objRng.int(below: ObjectBuilder.objectTextures.count)
        var specs: [ObjectSpec] = []
        for (i, k) in kinds.enumerated() {
            let hue = hue0 + 0.618034 * Double(i) + objRng.uniform(-0.05, 0.05)
            let texture = ObjectBuilder.objectTextures[(texOffset + i) % ObjectBuilder.objectTextures.count]
            specs.append(ObjectBuilder.build(kind: k.kind, sizeClass: k.sizeClass, hue: hue, texture: texture, rng: &objRng)
                .scaled(by: objectScale))
        }
        let placeRadius = 0.75 + 0.03 * Double(config.objects)
        let poses = place(specs, radius: placeRadius, rng: &objRng)

        var objects: [SynthObject] = []
        var kindCounts: [String: Int] = [:]
        for (spec, pose) in zip(specs, poses) {
            let yawRotation = rotationZ(pose.yaw)
            let firstMaterial = materials.count
            materials.append(contentsOf: spec.materials)
            var parts: [SynthPart] = []
            for p in spec.parts {
                let rotation = yawRotation * p.rotation
                let center = pose.position + yawRotation * p.center
                parts.append(SynthPart(shape: p.shape, rotation: rotation, center: center, material: firstMaterial + p.material))
                primitives.append(Primitive(shape: p.shape, toWorld: rotation, center: center, instance: nextID,
                                            part: nextPart, material: firstMaterial + p.material, occluder: true))
                nextPart += 1
            }
            let n = kindCounts[spec.kind, default: 0]
            kindCounts[spec.kind] = n + 1
            let name = "\(spec.kind)_\(n)"
            objects.append(SynthObject(id: nextID, name: name, kind: spec.kind, sizeClass: spec.sizeClass,
                                       position: pose.position, yaw: pose.yaw, footprintRadius: spec.footprintRadius,
                                       height: spec.height, parts: parts))
            instances.append(SynthInstance(id: nextID, name: name, kind: spec.kind, isBackground: false,
                                           parts: spec.parts.map { ObjectBuilder.partName($0.shape) },
                                           texture: spec.materials[0].texture.rawValue, color: spec.materials[0].color1))
            nextID += 1
        }
        primitives.append(backdrop)

        let room = SynthRoom(halfX: halfX, halfY: halfY, wallHeight: wallHeight, walls: walls, backdropRadius: backdropRadius)
        let cameras = makeCameras(config, room: room, rng: &camRng)
        return SynthScene(config: config, room: room, instances: instances, objects: objects, materials: materials,
                          lights: lights, cameras: cameras, backdropID: backdropID, backdropHills: hills,
                          backdropGround: ground, primitives: primitives)
    }

    /// Floor positions and yaws: largest first, footprints disjoint, 40% placed touching a neighbour.
    static func place(_ specs: [ObjectSpec], radius: Double, rng: inout SplatRandom) -> [(position: Vec3, yaw: Double)] {
        var poses = [(position: Vec3, yaw: Double)](repeating: (.zero, 0), count: specs.count)
        let order = specs.indices.sorted { specs[$0].footprintRadius > specs[$1].footprintRadius || (specs[$0].footprintRadius == specs[$1].footprintRadius && $0 < $1) }
        var placed: [Int] = []
        for i in order {
            let rf = specs[i].footprintRadius
            let yaw = specs[i].axisAligned ? 0 : rng.uniform(0, 2 * Double.pi)
            var position: Vec3? = nil
            for attempt in 0..<400 {
                let rr = radius * (1 + 0.3 * Double(attempt) / 400)
                var x: Double, y: Double
                if !placed.isEmpty && rng.uniform() < 0.4 {
                    let k = placed[rng.int(below: placed.count)]
                    let a = rng.uniform(0, 2 * Double.pi)
                    let dist = specs[k].footprintRadius + rf + rng.uniform(0, 0.01)
                    x = poses[k].position.x + dist * cos(a); y = poses[k].position.y + dist * sin(a)
                    if (x * x + y * y).squareRoot() > rr { continue }
                } else {
                    let a = rng.uniform(0, 2 * Double.pi), r = rr * rng.uniform().squareRoot()
                    x = r * cos(a); y = r * sin(a)
                }
                let free = placed.allSatisfy { k in
                    let dx = x - poses[k].position.x, dy = y - poses[k].position.y
                    return (dx * dx + dy * dy).squareRoot() >= rf + specs[k].footprintRadius - 1e-9
                }
                if free { position = Vec3(x, y, 0); break }
            }
            if position == nil {
                let a = rng.uniform(0, 2 * Double.pi)
                position = Vec3(1.3 * radius * cos(a), 1.3 * radius * sin(a), 0)
            }
            poses[i] = (position ?? .zero, yaw)
            placed.append(i)
        }
        return poses
    }

    /// A ring of cameras inside the room at varying height, each looking at a point near the centre.
    static func makeCameras(_ config: SynthConfig, room: SynthRoom, rng: inout SplatRandom) -> [PinholeCamera] {
        let w = config.width, h = config.height
        let f = (Double(h) / 2) / tan(config.verticalFOV * Double.pi / 360)
        let rMax = min(room.halfX, room.halfY) - 0.45
        let rMid = min(2.2, rMax - 0.15)
        let phase = rng.uniform(0, 2 * Double.pi), heightPhase = rng.uniform(0, 2 * Double.pi)
        let cycles = Double(2 + rng.int(below: 2))
        let n = config.views
        var cameras: [PinholeCamera] = []
        for i in 0..<n {
            let az = phase + 2 * Double.pi * Double(i) / Double(n) + rng.uniform(-0.35, 0.35) * 2 * Double.pi / Double(n)
            let r = min(max(rMid + rng.uniform(-0.25, 0.25), 1.9), rMax)
            let z = 1.25 + 0.45 * sin(heightPhase + 2 * Double.pi * cycles * Double(i) / Double(n)) + rng.uniform(-0.12, 0.12)
            let c = Vec3(r * cos(az), r * sin(az), z)
            let target = Vec3(rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2), rng.uniform(0.15, 0.35))
            let forward = (target - c).normalized
            var right = forward.cross(Vec3(0, 0, 1)).normalized
            var down = forward.cross(right)
            let roll = rng.uniform(-0.03, 0.03)
            (right, down) = (right * cos(roll) + down * sin(roll), down * cos(roll) - right * sin(roll))
            let rotation = Mat3(rows: right, down, forward)   // world→camera: rows are the camera axes
            cameras.append(PinholeCamera(width: w, height: h, fx: f, fy: f, cx: Double(w) / 2, cy: Double(h) / 2,
                                         rotation: rotation, translation: -(rotation * c)))
        }
        return cameras
    }
}
