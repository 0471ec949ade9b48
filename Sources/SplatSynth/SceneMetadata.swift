#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SplatMath

/// The JSON documents of a scene folder, built from the generated scene.
struct SceneMetadata {
    let g: GeneratedScene
    let names: [String]
    /// Pixel count of every instance id (index) in every view.
    let counts: [[Int]]

    init(_ g: GeneratedScene, names: [String]) {
        self.g = g
        self.names = names
        let maxID = Int(g.scene.instances.map(\.id).max() ?? 0)
        counts = g.renders.map { r in
            var c = [Int](repeating: 0, count: maxID + 1)
            for i in r.instance where i >= 0 && Int(i) <= maxID { c[Int(i)] += 1 }
            return c
        }
    }

    var config: SynthConfig { g.scene.config }

    func instancesJSON() -> JSONText {
        let minPx = max(4, Int(Double(config.width * config.height) * 2e-4))
        let train = Set(config.trainViews)
        let objects = Dictionary(uniqueKeysWithValues: g.scene.objects.map { ($0.id, $0) })
        var entries: [(String, JSONText)] = []
        for inst in g.scene.instances {
            let id = Int(inst.id)
            let perView = counts.map { $0[id] }
            let seen = perView.filter { $0 > 0 }
            var e: [(String, JSONText)] = [("name", .string(inst.name)), ("kind", .string(inst.kind)),
                                           ("is_background", .bool(inst.isBackground)), ("parts", .strings(inst.parts)),
                                           ("texture", .string(inst.texture)), ("color", .vec(inst.color))]
            if let o = objects[inst.id] {
                e += [("size_class", .string(o.sizeClass)), ("position", .vec(o.position)),
                      ("footprint_radius", .number(o.footprintRadius)), ("height", .number(o.height)),
                      ("resting_on", .string("floor"))]
            }
            e += [("train_views_visible", .int(perView.indices.filter { train.contains($0) && perView[$0] >= minPx }.count)),
                  ("views_visible", .int(perView.filter { $0 >= minPx }.count)),
                  ("mean_area_px_when_visible", .number(seen.isEmpty ? 0 : Double(seen.reduce(0, +)) / Double(seen.count))),
                  ("points3D", .int(g.points.instance.filter { $0 == inst.id }.count))]
            entries.append((String(id), .object(e)))
        }
        return .object(entries)
    }

    func provenanceJSON() -> JSONText {
        .object(zip(names, g.sam).map { name, masks in
            (name, .array(masks.provenance.map { p in
                .object([("id", .int(p.id)), ("src", .array(p.src.map { .int($0) })), ("tag", .string(p.tag)), ("area", .int(p.area))])
            }))
        })
    }

    func transformsJSON() -> JSONText {
        let cam = g.scene.cameras[0]
        let frames: [JSONText] = g.scene.cameras.enumerated().map { i, c in
            // camera→world with OpenGL axes (x right, y up, z back): columns Rᵀ·diag(1, −1, −1), centre.
            let r = c.rotation.transposed, center = c.center
            let rows: [JSONText] = (0..<3).map { k in
                .numbers([r[k, 0], -r[k, 1], -r[k, 2], center[k]])
            } + [.numbers([0, 0, 0, 1])]
            return .object([("file_path", .string("images/" + names[i])), ("transform_matrix", .array(rows)),
                            ("colmap_im_id", .int(i + 1))])
        }
        return .object([
            ("camera_model", .string("OPENCV")), ("w", .int(cam.width)), ("h", .int(cam.height)),
            ("fl_x", .number(cam.fx)), ("fl_y", .number(cam.fy)), ("cx", .number(cam.cx)), ("cy", .number(cam.cy)),
            ("k1", .number(0)), ("k2", .number(0)), ("p1", .number(0)), ("p2", .number(0)),
            ("camera_angle_x", .number(cam.fovX)), ("camera_angle_y", .number(cam.fovY)),
            ("frames", .array(frames)), ("ply_file_path", .string("sparse_pc.ply")),
            ("train_filenames", .strings(config.trainViews.map { "images/" + names[$0] })),
            ("val_filenames", .strings(config.testViews.map { "images/" + names[$0] })),
            ("test_filenames", .strings(config.testViews.map { "images/" + names[$0] })),
        ])
    }

    func splitJSON() -> JSONText {
        .object([("train", .strings(config.trainViews.map { names[$0] })), ("test", .strings(config.testViews.map { names[$0] }))])
    }

    static func partJSON(_ p: SynthPart) -> JSONText {
        let kind: String, params: [(String, JSONText)]
        switch p.shape {
        case .sphere(let r): kind = "sphere"; params = [("radius", .number(r))]
        case .box(let e): kind = "box"; params = [("half_extents", .vec(e))]
        case .frustum(let r0, let r1, let h):
            kind = "frustum"
            params = [("bottom_radius", .number(r0)), ("top_radius", .number(r1)), ("height", .number(h))]
        case .torus(let big, let small):
            kind = "torus"; params = [("major_radius", .number(big)), ("minor_radius", .number(small))]
        case .quad(let u0, let u1, let v0, let v1): kind = "quad"; params = [("bounds", .numbers([u0, u1, v0, v1]))]
        case .backdrop(let r): kind = "backdrop"; params = [("radius", .number(r))]
        }
        let rot: JSONText = .array((0..<3).map { k in .numbers([p.rotation[k, 0], p.rotation[k, 1], p.rotation[k, 2]]) })
        return .object([("kind", .string(kind)), ("center", .vec(p.center)), ("rotation", rot), ("params", .object(params))])
    }

    func sceneJSON() -> JSONText {
        let s = g.scene, cam = s.cameras[0], r = config.samRates, L = s.lights
        let objects: [JSONText] = s.objects.map { o in
            .object([("id", .int(Int(o.id))), ("name", .string(o.name)), ("kind", .string(o.kind)),
                     ("size_class", .string(o.sizeClass)), ("position", .vec(o.position)), ("yaw", .number(o.yaw)),
                     ("footprint_radius", .number(o.footprintRadius)), ("height", .number(o.height)),
                     ("resting_on", .string("floor")), ("parts", .array(o.parts.map(Self.partJSON)))])
        }
        var tagCounts: [String: Int] = [:]
        for m in g.sam { for p in m.provenance { for t in p.tag.split(separator: "+") { tagCounts[String(t), default: 0] += 1 } } }
        let masksPerView = g.sam.map { Double($0.provenance.count) }
        let coverage = g.sam.map { m in Double(m.labels.filter { $0 > 0 }.count) / Double(max(1, m.labels.count)) }
        let tracks = g.points.tracks.map { Double($0.count) }
        return .object([
            ("generator", .string("SplatSynth")), ("version", .string("1.0")),
            ("seed", .int(Int(truncatingIfNeeded: config.seed))), ("preset", .string(config.preset)),
            ("params", .object([("width", .int(config.width)), ("height", .int(config.height)), ("views", .int(config.views)),
                                ("objects", .int(config.objects)), ("ss", .int(config.supersampling)),
                                ("points", .int(config.points)), ("vfov", .number(config.verticalFOV)),
                                ("holdout", .int(config.holdout)), ("point_noise", .number(config.pointNoise)),
                                ("observation_noise", .number(config.observationNoise)),
                                ("max_track", .int(config.maxTrackLength)), ("shadows", .bool(config.shadows))])),
            ("sam_corruption_rates", .object([("merge", .number(r.merge)), ("merge_bg", .number(r.mergeBackground)),
                                              ("split", .number(r.split)), ("drop", .number(r.drop)),
                                              ("drop_small", .number(r.dropSmall)), ("drop_large", .number(r.dropLarge)),
                                              ("jitter", .number(r.jitter)), ("jitter2", .number(r.jitter2)),
                                              ("hole", .number(r.hole)), ("spurious", .number(r.spurious))])),
            ("intrinsics", .object([("model", .string("PINHOLE")), ("w", .int(cam.width)), ("h", .int(cam.height)),
                                    ("fx", .number(cam.fx)), ("fy", .number(cam.fy)), ("cx", .number(cam.cx)), ("cy", .number(cam.cy))])),
            ("world", .object([("up", .string("+z")), ("units", .string("metres")), ("floor", .string("z=0")),
                               ("center", .numbers([0, 0, 0]))])),
            ("room", .object([("half_x", .number(s.room.halfX)), ("half_y", .number(s.room.halfY)),
                              ("wall_h", .number(s.room.wallHeight)), ("walls", .strings(s.room.walls)),
                              ("backdrop_R", .number(s.room.backdropRadius))])),
            ("lights", .object([("key_dir", .vec(L.keyDirection)), ("key_col", .vec(L.keyColor)), ("key_int", .number(L.keyIntensity)),
                                ("fill_dir", .vec(L.fillDirection)), ("fill_col", .vec(L.fillColor)), ("fill_int", .number(L.fillIntensity)),
                                ("amb_sky", .vec(L.ambientSky)), ("amb_ground", .vec(L.ambientGround)), ("exposure", .number(L.exposure))])),
            ("objects", .array(objects)),
            ("n_views", .int(config.views)), ("n_train", .int(config.trainViews.count)), ("n_test", .int(config.testViews.count)),
            ("n_instances", .int(s.instances.count)), ("n_objects", .int(s.objects.count)), ("n_points3D", .int(g.points.xyz.count)),
            ("mean_track_length", .number(tracks.isEmpty ? 0 : tracks.reduce(0, +) / Double(tracks.count))),
            ("sam_stats", .object([("masks_per_view_mean", .number(masksPerView.reduce(0, +) / Double(max(1, masksPerView.count)))),
                                   ("coverage_mean", .number(coverage.reduce(0, +) / Double(max(1, coverage.count)))),
                                   ("tag_counts", .object(tagCounts.keys.sorted().map { ($0, .int(tagCounts[$0] ?? 0)) }))])),
        ])
    }
}
