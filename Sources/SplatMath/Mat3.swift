/// A row-major 3×3 matrix in Double precision.
public struct Mat3: Equatable, Sendable {
    /// Rows: m[r][c] = rows[r][c].
    public var r0: Vec3, r1: Vec3, r2: Vec3

    @inlinable public init(rows r0: Vec3, _ r1: Vec3, _ r2: Vec3) { self.r0 = r0; self.r1 = r1; self.r2 = r2 }
    public static let identity = Mat3(rows: Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1))

    @inlinable public subscript(r: Int, c: Int) -> Double {
        get { r == 0 ? r0[c] : (r == 1 ? r1[c] : r2[c]) }
        set { if r == 0 { r0[c] = newValue } else if r == 1 { r1[c] = newValue } else { r2[c] = newValue } }
    }
    @inlinable public var transposed: Mat3 {
        Mat3(rows: Vec3(r0.x, r1.x, r2.x), Vec3(r0.y, r1.y, r2.y), Vec3(r0.z, r1.z, r2.z))
    }
    @inlinable public static func * (m: Mat3, v: Vec3) -> Vec3 { Vec3(m.r0.dot(v), m.r1.dot(v), m.r2.dot(v)) }
    @inlinable public static func * (a: Mat3, b: Mat3) -> Mat3 {
        let bt = b.transposed
        return Mat3(rows: Vec3(a.r0.dot(bt.r0), a.r0.dot(bt.r1), a.r0.dot(bt.r2)),
                    Vec3(a.r1.dot(bt.r0), a.r1.dot(bt.r1), a.r1.dot(bt.r2)),
                    Vec3(a.r2.dot(bt.r0), a.r2.dot(bt.r1), a.r2.dot(bt.r2)))
    }
    @inlinable public var determinant: Double { r0.dot(r1.cross(r2)) }
    @inlinable public var isFinite: Bool { r0.isFinite && r1.isFinite && r2.isFinite }
}
