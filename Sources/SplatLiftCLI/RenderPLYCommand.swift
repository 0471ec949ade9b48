import ArgumentParser
import Foundation
import SplatIO
import SplatMath
import SplatRaster

/// `splatlift render-ply PLY --out DIR`: look at a trained model from an orbit of cameras.
struct RenderPLYCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-ply",
        abstract: "Render a 3DGS PLY to PNG images from an orbit of cameras around its bounds, or from given cameras.",
        discussion: """
        The orbit circles the robust centre of the Gaussians (per-axis median) at a distance that \
        fits their 90th-percentile radius in view, around the axis of least spread (a ground plane's \
        normal or a flat object's axis) unless --up is given. Images are written as view_000.png, … \
        into the output folder. With --colmap (a sparse model folder) or --transforms (a \
        transforms.json) every camera of the file is rendered instead, named after its image; lens \
        distortion is ignored (pinhole preview).
        """
    )

    @Argument(help: "The PLY file (standard 3DGS layout).") var ply: String
    @Option(help: "Output folder (created if missing).") var out: String
    @Option(parsing: .unconditional, help: "Number of views around the orbit.") var views = 8
    @Option(parsing: .unconditional, help: "Image width in pixels.") var width = 640
    @Option(parsing: .unconditional, help: "Image height in pixels.") var height = 480
    @Option(parsing: .unconditional, help: "Vertical field of view in degrees.") var fov = 45.0
    @Option(parsing: .unconditional, help: "Elevation of the orbit above its plane, in degrees.") var elevation = 25.0
    @Option(help: "Orbit axis as x,y,z (default: the Gaussians' axis of least spread).") var up: String?
    @Option(help: "Background colour as r,g,b in [0, 1].") var background = "0,0,0"
    @Option(parsing: .unconditional, help: "SH degree to evaluate (default: all the file has).") var shDegree: Int?
    @Option(parsing: .unconditional, help: "Worker threads (0 = all cores).") var threads = 0
    @Option(help: "Render the cameras of this COLMAP sparse model folder (e.g. sparse/0).") var colmap: String?
    @Option(help: "Render the cameras of this transforms.json.") var transforms: String?
    @Option(parsing: .unconditional, help: "Divide the size of given cameras by this integer factor.") var downscale = 1

    func validate() throws {
        try OptionCheck.int(views, "--views", 1...100_000)
        try OptionCheck.int(width, "--width", 1...OptionCheck.maxSide)
        try OptionCheck.int(height, "--height", 1...OptionCheck.maxSide)
        try OptionCheck.real(fov, "--fov", 0...180, openBelow: true, openAbove: true)
        try OptionCheck.real(elevation, "--elevation", -90...90)
        try OptionCheck.int(shDegree, "--sh-degree", 0...3)
        try OptionCheck.int(threads, "--threads", OptionCheck.threads)
        try OptionCheck.int(downscale, "--downscale", OptionCheck.downscale)
        guard colmap == nil || transforms == nil else { throw ValidationError("give --colmap or --transforms, not both") }
        _ = try vector(background, "--background")
        if let up { _ = try vector(up, "--up") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: ply)
        let model = try PLYFile.readGaussians(url).gaussians
        guard model.count > 0 else { throw SplatError("the file has no Gaussians", path: url.path) }
        let views = try cameras(model)
        if let (name, camera) = views.first(where: { $0.1.width < 1 || $0.1.height < 1 }) {
            throw ValidationErrorLine("--downscale \(downscale) leaves camera \(name) without a pixel (\(camera.width)x\(camera.height))")
        }
        let outDir = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
        var options = RenderOptions()
        options.background = try vector(background, "--background")
        options.activeSHDegree = shDegree ?? model.shDegree
        options.threads = threads
        let rasterizer = CPURasterizer()
        print("\(model.count) Gaussians, SH degree \(model.shDegree), \(views.count) views")
        for (name, camera) in views {
            let image = rasterizer.render(model, camera: camera, options: options)
            let file = outDir.appendingPathComponent(name + ".png")
            try ImageIO.writePNG(RGBImage(width: image.width, height: image.height, pixels: image.color), to: file)
            print("wrote \(file.path) (" + String(format: "%.0f ms", rasterizer.lastTimings.project
                + rasterizer.lastTimings.bin + rasterizer.lastTimings.forward) + ")")
        }
    }

    /// (output name, camera) pairs: the given cameras, or the orbit.
    private func cameras(_ model: GaussianParams) throws -> [(String, PinholeCamera)] {
        func stem(_ name: String) -> String {
            URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent
        }
        if let colmap {
            let sparse = try ColmapReader.read(directory: URL(fileURLWithPath: colmap))
            return try sparse.images.sorted { $0.name < $1.name }.map { image in
                guard let c = sparse.cameras[image.cameraID] else {
                    throw SplatError("image \(image.name) refers to missing camera \(image.cameraID)", path: colmap)
                }
                let camera = PinholeCamera(width: c.width, height: c.height, fx: c.fx, fy: c.fy, cx: c.cx, cy: c.cy,
                                           rotation: image.qvec.rotationMatrix, translation: image.tvec)
                return (stem(image.name), camera.downscaled(by: downscale))
            }
        }
        if let transforms {
            let file = try TransformsReader.read(URL(fileURLWithPath: transforms), imageSize: ImageIO.imageSize)
            return file.frames.map { (stem($0.filePath), $0.camera.downscaled(by: downscale)) }
        }
        let bounds = OrbitCameras.robustBounds(model)
        let axis = try up.map { try vector($0, "--up") }.map { Vec3(Double($0.x), Double($0.y), Double($0.z)) }
            ?? OrbitCameras.leastSpreadAxis(model, center: bounds.center, radius: bounds.radius)
        guard axis.length > 0 else { throw ValidationError("--up must not be zero") }
        print("orbit: centre \(bounds.center), radius " + String(format: "%.3g", bounds.radius) + ", axis \(axis)")
        let orbit = OrbitCameras.orbit(center: bounds.center, radius: bounds.radius, up: axis, count: views,
                                       elevation: elevation * .pi / 180, width: width, height: height,
                                       fovY: fov * .pi / 180)
        return orbit.enumerated().map { (String(format: "view_%03d", $0.offset), $0.element) }
    }

    private func vector(_ text: String, _ name: String) throws -> SIMD3<Float> {
        let parts = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, let x = parts[0], let y = parts[1], let z = parts[2], x.isFinite, y.isFinite, z.isFinite else {
            throw ValidationError("\(name) needs three comma-separated numbers, got '\(text)'")
        }
        return SIMD3(x, y, z)
    }
}
