import Foundation
import SplatMath

/// COLMAP text and binary model of a generated scene: one PINHOLE camera, every view (world→camera
/// qvec/tvec, IMAGE_ID = view + 1) with its 2D observations, and points3D with tracks.
/// Binary values are the text values after the text's rounding, so both files describe the same model.
enum ColmapExport {
    static func fixed(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
    static func rounded(_ v: Double, _ digits: Int) -> Double { Double(fixed(v, digits)) ?? v }

    static func write(_ g: GeneratedScene, names: [String], to dir: URL) throws {
        let cams = g.scene.cameras, pts = g.points
        let c0 = cams[0]
        let params = [c0.fx, c0.fy, c0.cx, c0.cy]
        let poses = cams.map { (Quat(rotation: $0.rotation), $0.translation) }

        var cameras = "# Camera list with one line of data per camera:\n#   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]\n# Number of cameras: 1\n"
        cameras += "1 PINHOLE \(c0.width) \(c0.height) " + params.map { "\($0)" }.joined(separator: " ") + "\n"

        let nObs = pts.observations.reduce(0) { $0 + $1.count }
        var images = "# Image list with two lines of data per image:\n#   IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME\n"
        images += "#   POINTS2D[] as (X, Y, POINT3D_ID)\n# Number of images: \(cams.count), mean observations per image: "
        images += fixed(Double(nObs) / Double(max(1, cams.count)), 6) + "\n"
        for (i, (q, t)) in poses.enumerated() {
            images += "\(i + 1) \(q.w) \(q.x) \(q.y) \(q.z) \(t.x) \(t.y) \(t.z) 1 \(names[i])\n"
            images += pts.observations[i].map { "\(fixed($0.x, 2)) \(fixed($0.y, 2)) \($0.point + 1)" }.joined(separator: " ") + "\n"
        }

        let meanTrack = pts.tracks.isEmpty ? 0 : Double(pts.tracks.reduce(0) { $0 + $1.count }) / Double(pts.tracks.count)
        var points = "# 3D point list with one line of data per point:\n#   POINT3D_ID, X, Y, Z, R, G, B, ERROR, TRACK[] as (IMAGE_ID, POINT2D_IDX)\n"
        points += "# Number of points: \(pts.xyz.count), mean track length: \(fixed(meanTrack, 6))\n"
        for k in pts.xyz.indices {
            let p = pts.xyz[k]
            points += "\(k + 1) \(fixed(p.x, 6)) \(fixed(p.y, 6)) \(fixed(p.z, 6)) \(pts.rgb[3 * k]) \(pts.rgb[3 * k + 1]) \(pts.rgb[3 * k + 2]) "
            points += fixed(pts.error[k], 4)
            for (v, j) in pts.tracks[k] { points += " \(v + 1) \(j)" }
            points += "\n"
        }
        try SmallFormats.writeText(cameras, to: dir.appendingPathComponent("cameras.txt"))
        try SmallFormats.writeText(images, to: dir.appendingPathComponent("images.txt"))
        try SmallFormats.writeText(points, to: dir.appendingPathComponent("points3D.txt"))

        var cb = BinaryWriter()
        cb.u64(1); cb.i32(1); cb.i32(1); cb.u64(UInt64(c0.width)); cb.u64(UInt64(c0.height))   // model 1 = PINHOLE
        for p in params { cb.f64(p) }
        var ib = BinaryWriter()
        ib.u64(UInt64(cams.count))
        for (i, (q, t)) in poses.enumerated() {
            ib.i32(Int32(i + 1))
            for v in [q.w, q.x, q.y, q.z, t.x, t.y, t.z] { ib.f64(v) }
            ib.i32(1)
            ib.bytes(Array(names[i].utf8) + [0])
            ib.u64(UInt64(pts.observations[i].count))
            for o in pts.observations[i] { ib.f64(rounded(o.x, 2)); ib.f64(rounded(o.y, 2)); ib.i64(Int64(o.point + 1)) }
        }
        var pb = BinaryWriter()
        pb.u64(UInt64(pts.xyz.count))
        for k in pts.xyz.indices {
            pb.u64(UInt64(k + 1))
            for c in 0..<3 { pb.f64(rounded(pts.xyz[k][c], 6)) }
            pb.bytes(Array(pts.rgb[(3 * k)..<(3 * k + 3)]))
            pb.f64(rounded(pts.error[k], 4))
            pb.u64(UInt64(pts.tracks[k].count))
            for (v, j) in pts.tracks[k] { pb.i32(Int32(v + 1)); pb.i32(Int32(j)) }
        }
        try SmallFormats.writeData(cb.data, to: dir.appendingPathComponent("cameras.bin"))
        try SmallFormats.writeData(ib.data, to: dir.appendingPathComponent("images.bin"))
        try SmallFormats.writeData(pb.data, to: dir.appendingPathComponent("points3D.bin"))
    }
}

/// Little-endian binary output.
struct BinaryWriter {
    var data = Data()
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func i32(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func f64(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
    mutating func bytes(_ b: [UInt8]) { data.append(contentsOf: b) }
}
