import Testing
@testable import SplatMath

@Suite struct GeometryTests {
    @Test func quaternionRoundTripsThroughMatrix() {
        var rng = SplatRandom(seed: 7)
        for _ in 0..<100 {
            let q = Quat(w: rng.normal(), x: rng.normal(), y: rng.normal(), z: rng.normal()).normalized
            let back = Quat(rotation: q.rotationMatrix)
            let sign: Double = q.w < 0 ? -1 : 1
            #expect(abs(back.w - sign * q.w) < 1e-9 && abs(back.x - sign * q.x) < 1e-9)
            #expect(abs(back.y - sign * q.y) < 1e-9 && abs(back.z - sign * q.z) < 1e-9)
            #expect(abs(q.rotationMatrix.determinant - 1) < 1e-9)
        }
    }

    @Test func cameraProjectsItsAxisToPrincipalPoint() {
        let r = Quat(w: 0.9, x: 0.1, y: -0.3, z: 0.2).rotationMatrix
        let cam = PinholeCamera(width: 64, height: 48, fx: 50, fy: 50, cx: 32, cy: 24,
                                rotation: r, translation: Vec3(0.1, 0.2, 0.3))
        let p = cam.center + cam.forward * 3
        let (u, v, d) = cam.project(p)
        #expect(abs(u - 32) < 1e-9 && abs(v - 24) < 1e-9 && abs(d - 3) < 1e-9)
        let half = cam.downscaled(by: 2)
        #expect(half.width == 32 && half.fx == 25 && half.cx == 16)
    }

    /// A width that is not a multiple of the factor: the image drops its last column and output
    /// pixel x averages source pixels 2x and 2x + 1, so a point seen at source coordinate u is at
    /// u/2 in the downscaled image, whatever the width.
    @Test func downscaledCameraDividesCoordinatesByTheFactor() {
        let cam = PinholeCamera(width: 65, height: 49, fx: 50, fy: 50, cx: 30.5, cy: 20.25,
                                rotation: Quat(w: 0.9, x: 0.1, y: -0.3, z: 0.2).rotationMatrix, translation: Vec3(0.1, 0.2, 0.3))
        let half = cam.downscaled(by: 2)
        #expect(half.width == 32 && half.height == 24)
        let p = cam.center + cam.forward * 3 + Vec3(0.2, -0.1, 0.05)
        let (u, v, _) = cam.project(p), (u2, v2, _) = half.project(p)
        #expect(abs(u2 - u / 2) < 1e-9 && abs(v2 - v / 2) < 1e-9)
    }

    @Test func randomIsSeededAndUniform() {
        var a = SplatRandom(seed: 42), b = SplatRandom(seed: 42)
        #expect(a.next() == b.next())
        var sum = 0.0
        for _ in 0..<10_000 { sum += a.uniform() }
        #expect(abs(sum / 10_000 - 0.5) < 0.02)
    }

    @Test func errorsAreOneLine() {
        let e = SplatError("bad\nthing", path: "/x/y.ply")
        #expect(e.description == "/x/y.ply: bad thing")
    }
}
