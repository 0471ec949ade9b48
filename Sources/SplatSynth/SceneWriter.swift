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
        let names = (0..<g.renders.count).map(imageName)
        for (v, r) in g.renders.enumerated() {
            let npx = r.width * r.height
            var planar = [Float](repeating: 0, count: 3 * npx)
            for i in 0..<npx { for c in 0..<3 { planar[c * npx + i] = Float(r.rgb8[3 * i + c]) / 255 } }
            try ImageIO.writePNG(RGBImage(width: r.width, height: r.height, pixels: planar),
                                 to: dir.appendingPathComponent("images/" + names[v]))
            try ImageIO.writeLabelMap(LabelMap(width: r.width, height: r.height, labels: r.instance),
                                      to: dir.appendingPathComponent("gt_instance/" + names[v]))
            try ImageIO.writeLabelMap(LabelMap(width: r.width, height: r.height, labels: g.sam[v].labels),
                                      to: dir.appendingPathComponent("sam_masks/" + names[v]))
            try SmallFormats.writeNPY(r.depth, rows: r.height, columns: r.width,
                                      to: dir.appendingPathComponent("depth/" + names[v].replacingOccurrences(of: ".png", with: ".npy")))
        }
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
}
