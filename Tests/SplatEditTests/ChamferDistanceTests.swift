import SplatMath
import Testing
@testable import SplatEdit

@Suite struct ChamferDistanceTests {
    private func bruteForce(_ q: [Float], _ t: [Float]) -> [Double] {
        (0..<(q.count / 3)).map { i in
            (0..<(t.count / 3)).reduce(Double.infinity) { best, j in
                var s = 0.0
                for a in 0..<3 { let d = Double(q[3 * i + a]) - Double(t[3 * j + a]); s += d * d }
                return min(best, s.squareRoot())
            }
        }
    }

    @Test func gridSearchIsExact() throws {
        var rng = SplatRandom(seed: 5)
        for trial in 0..<6 {
            // Targets on a flattened blob (surface-like) or in a thin line; queries also far outside.
            let n = 50 + 300 * trial
            var targets = [Float](), queries = [Float]()
            for _ in 0..<n {
                let flat = trial % 2 == 0 ? 0.01 : 1.0
                targets += [Float(rng.uniform()), Float(rng.uniform() * 2), Float(rng.uniform() * flat)]
            }
            for _ in 0..<200 {
                queries += [Float(rng.uniform() * 6 - 3), Float(rng.uniform() * 6 - 2), Float(rng.uniform() * 4 - 2)]
            }
            let fast = ChamferDistance.nearestDistances(from: queries, to: targets)
            let slow = bruteForce(queries, targets)
            #expect(zip(fast, slow).allSatisfy { abs($0 - $1) < 1e-12 }, "trial \(trial)")
        }
    }

    @Test func identicalSetsHaveZeroDistanceAndShiftsShowUp() throws {
        var rng = SplatRandom(seed: 9)
        let a = (0..<3000).map { _ in Float(rng.uniform()) }
        #expect(ChamferDistance.symmetric(a, a) == 0)
        let shifted = a.enumerated().map { $0.offset % 3 == 2 ? $0.element + 5 : $0.element }
        let d = ChamferDistance.symmetric(a, shifted)       // every z differs by 4 to 5
        #expect(d >= 4 && d <= 5)
    }

    @Test func meshSamplesLieOnTheMesh() throws {
        let mesh = try MarchingCubes.extract(ScalarGrid.sampling(origin: Vec3(-1.5, -1.5, -1.5), voxelSize: 0.1,
                                                             nx: 31, ny: 31, nz: 31) { $0.length - 1 })
        let points = ChamferDistance.samplePoints(on: mesh, count: 5000, seed: 1)
        #expect(points.count == 15000)
        let radii = (0..<5000).map { i in
            Vec3(Double(points[3 * i]), Double(points[3 * i + 1]), Double(points[3 * i + 2])).length
        }
        #expect(radii.allSatisfy { abs($0 - 1) < 0.01 })
        #expect(ChamferDistance.samplePoints(on: mesh, count: 10, seed: 1) == ChamferDistance.samplePoints(on: mesh, count: 10, seed: 1))
    }
}
