import Foundation
import SplatIO
import SplatMath

/// Writes a generated scene in the scene-folder layout of /work/shared/data/synthetic (README there):
/// images/, gt_instance/, sam_masks/, depth/, sparse/0 (COLMAP text + binary), sparse_pc.ply,
/// transforms.json, split.json, scene.json. Every file is written atomically.
public enum SceneWriter {
    /// `frame_XXXXX.png` for view index i.
    public static func imageName(_ i: Int) -> String {
        let digits = String(i)
        return "frame_" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".png"
    }

    public static func write(_ g: GeneratedScene, to dir: URL) throws {
        let fm = FileManager.default
        for sub in ["images", "gt_instance", "sam_masks", "depth", "sparse/0"] {
            do {
                try fm.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
            } catch {
                throw SplatError("cannot create the folder (\(error.localizedDescription))", path: dir.appendingPathComponent(sub).path)
            }
        }
        // Frames of an earlier, larger scene in the same folder would otherwise linger.
        for sub in ["images", "gt_instance", "sam_masks", "depth"] {
            let folder = dir.appendingPathComponent(sub)
            for f in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where f.hasPrefix("frame_") {
                try? fm.removeItem(at: folder.appendingPathComponent(f))
            }
        }
        let names = (0..<g.renders.count).map(imageName)
        // Per-view files in parallel; the first failure (in view order) is reported.
        var failures = [Error?](repeating: nil, count: g.renders.count)
        failures.withUnsafeMutableBufferPointer { buf in
            let out = SendableBuffer(p: buf.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: g.renders.count) { v in
                do { try writeView(g, v, name: names[v], to: dir) } catch { out.p[v] = error }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        try ColmapExport.write(g, names: names, to: dir.appendingPathComponent("sparse/0"))
        try SmallFormats.writePointCloudPLY(g.points, to: dir.appendingPathComponent("sparse_pc.ply"))
        try SmallFormats.writeText(SmallFormats.pointInstances(g.points),
                                   to: dir.appendingPathComponent("gt_instance/points3D_instance.txt"))
        let meta = SceneMetadata(g, names: names)
        try SmallFormats.writeText(meta.instancesJSON().rendered() + "\n", to: dir.appendingPathComponent("gt_instance/instances.json"))
        try SmallFormats.writeText(meta.provenanceJSON().rendered() + "\n", to: dir.appendingPathComponent("sam_masks/provenance.json"))
        try SmallFormats.writeText(meta.transformsJSON().rendered() + "\n", to: dir.appendingPathComponent("transforms.json"))
        try SmallFormats.writeText(meta.splitJSON().rendered() + "\n", to: dir.appendingPathComponent("split.json"))
        try SmallFormats.writeText(meta.sceneJSON().rendered() + "\n", to: dir.appendingPathComponent("scene.json"))
    }

    static func writeView(_ g: GeneratedScene, _ v: Int, name: String, to dir: URL) throws {
        let r = g.renders[v]
        let npx = r.width * r.height
        var planar = [Float](repeating: 0, count: 3 * npx)
        for i in 0..<npx { for c in 0..<3 { planar[c * npx + i] = Float(r.rgb8[3 * i + c]) / 255 } }
        try ImageIO.writePNG(RGBImage(width: r.width, height: r.height, pixels: planar),
                             to: dir.appendingPathComponent("images/" + name))
        try ImageIO.writeLabelMap(LabelMap(width: r.width, height: r.height, labels: r.instance),
                                  to: dir.appendingPathComponent("gt_instance/" + name))
        try ImageIO.writeLabelMap(LabelMap(width: r.width, height: r.height, labels: g.sam[v].labels),
                                  to: dir.appendingPathComponent("sam_masks/" + name))
        try NPYWriter.write(r.depth, shape: [r.height, r.width],
                            to: dir.appendingPathComponent("depth/" + name.replacingOccurrences(of: ".png", with: ".npy")))
    }
}
