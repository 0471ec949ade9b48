import Foundation
import SplatMath

/// Loads a scene folder (docs/DESIGN.md "File formats users expect") into a `Scene`.
///
/// Poses, in order of preference: `options.sparse` or `sparse/0` (or `sparse/` itself) — COLMAP,
/// binary preferred, images in `options.images` or `images/`; `transforms.json` (nerfstudio /
/// instant-ngp); `transforms_train.json` (Blender / NeRF-synthetic). A `.json` path loads that
/// transforms file, with the scene root its folder. Views are sorted by name.
///
/// Masks: `options.masks`, else `object_mask/`, else `sam_masks/`; each view's label map is
/// `<image stem>.png` (also `<image name>.png`). Ground truth: `gt_instance/` when present
/// (views without a file simply have none).
///
/// Split: `split.json` (`{"train": [names], "test": [names]}`; without "train", every other view
/// trains), else the transforms file's `train_filenames`/`test_filenames`, else the Blender files,
/// else every 8th view (index % 8 == 0, sorted by name) is a test view, as 3DGS `--eval`.
///
/// Checks, all reported together in one error: every referenced image exists and has its camera's
/// size, every view has a mask of the image's size, GT maps have the image's size, split names
/// exist. COLMAP points whose colours are all zero (VGGSfM) are coloured from the images: each
/// point takes the pixel it projects to in the first view of its track where it lands inside the
/// image (grey 0.5 when none does).
public enum SceneLoader {
    public static func load(_ url: URL, options: SceneLoadOptions = .init()) throws -> Scene {
        guard SceneFiles.exists(url) else { throw SplatError("scene does not exist", path: url.path) }
        let root = SceneFiles.isDirectory(url) ? url : url.deletingLastPathComponent()
        var poses = try readPoses(url, root: root, options: options)
        var problems = poses.problems

        let masks = try masksFolder(root, options: options)
        let gt = root.appendingPathComponent("gt_instance")
        for k in poses.views.indices {
            let name = poses.views[k].name
            if let masks { poses.views[k].maskURL = SceneFiles.labelMap(for: name, in: masks) }
            if SceneFiles.isDirectory(gt) {
                let g = SceneFiles.labelMap(for: name, in: gt)
                poses.views[k].gtURL = SceneFiles.exists(g) ? g : nil
            }
        }
        problems += checkFiles(poses.views, root: root)
        let split = SceneSplit.choose(views: poses.views.map(\.name), root: root, source: poses.split, problems: &problems)
        if !problems.isEmpty {
            let shown = problems.prefix(20).joined(separator: "; ")
            let more = problems.count > 20 ? "; and \(problems.count - 20) more" : ""
            throw SplatError("scene has \(problems.count) problem\(problems.count == 1 ? "" : "s"): \(shown)\(more)", path: root.path)
        }

        var scene = Scene(root: root, views: poses.views, trainIndices: split.train, testIndices: split.test,
                          splitSource: split.source, points: poses.points, pointColors: poses.colors,
                          pointColorsFromImages: false, format: poses.format, masksFolder: masks,
                          background: options.background)
        if scene.pointColors == nil, let tracks = poses.tracks, !scene.points.isEmpty {
            scene.pointColors = try PointColoring.colorsFromImages(scene, tracks: tracks)
            scene.pointColorsFromImages = true
        }
        return scene
    }

    private static func readPoses(_ url: URL, root: URL, options: SceneLoadOptions) throws -> ScenePoses {
        if !SceneFiles.isDirectory(url) { return try TransformsPoses.load(file: url, root: root) }
        let images = options.images ?? root.appendingPathComponent("images")
        if let sparse = options.sparse { return try ColmapPoses.load(sparse: sparse, images: images) }
        let sparse0 = root.appendingPathComponent("sparse/0"), sparse = root.appendingPathComponent("sparse")
        if SceneFiles.isDirectory(sparse0) { return try ColmapPoses.load(sparse: sparse0, images: images) }
        if ["cameras.bin", "cameras.txt"].contains(where: { SceneFiles.exists(sparse.appendingPathComponent($0)) }) {
            return try ColmapPoses.load(sparse: sparse, images: images)
        }
        let transforms = root.appendingPathComponent("transforms.json")
        if SceneFiles.exists(transforms) { return try TransformsPoses.load(file: transforms, root: root) }
        if SceneFiles.exists(root.appendingPathComponent("transforms_train.json")) { return try BlenderPoses.load(root: root) }
        throw SplatError("no cameras found: expected sparse/0 (COLMAP), transforms.json (nerfstudio) "
                         + "or transforms_train.json (Blender)", path: root.path)
    }

    private static func masksFolder(_ root: URL, options: SceneLoadOptions) throws -> URL? {
        if let m = options.masks {
            guard SceneFiles.isDirectory(m) else { throw SplatError("masks folder does not exist", path: m.path) }
            return m
        }
        let found = ["object_mask", "sam_masks"].map { root.appendingPathComponent($0) }.first(where: SceneFiles.isDirectory)
        if found == nil && options.requireMasks {
            throw SplatError("no masks folder: expected object_mask/ or sam_masks/, or give one explicitly", path: root.path)
        }
        return found
    }

    /// Every image exists and has its camera's size; masks and GT maps exist and have the image's size.
    private static func checkFiles(_ views: [SceneView], root: URL) -> [String] {
        var problems: [String] = []
        func rel(_ u: URL) -> String { SceneFiles.relativePath(u, to: root) }
        func size(_ u: URL) -> (width: Int, height: Int)? {
            guard SceneFiles.exists(u) else { problems.append("\(rel(u)) missing"); return nil }
            do { return try ImageIO.imageSize(u) } catch {
                problems.append("\(rel(u)) is unreadable (\((error as? SplatError)?.message ?? "\(error)"))")
                return nil
            }
        }
        for view in views {
            let image = size(view.imageURL)
            if let s = image, s.width != view.camera.width || s.height != view.camera.height {
                problems.append("\(rel(view.imageURL)) is \(s.width)x\(s.height) but its camera says \(view.camera.width)x\(view.camera.height)")
            }
            for label in [view.maskURL, view.gtURL].compactMap({ $0 }) {
                if let s = size(label), let i = image, s.width != i.width || s.height != i.height {
                    problems.append("\(rel(label)) is \(s.width)x\(s.height) but the image is \(i.width)x\(i.height)")
                }
            }
        }
        return problems
    }
}
