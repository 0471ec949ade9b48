import Foundation
import SplatIO
import SplatMath

/// The complete training state in one little-endian binary file (`checkpoint.bin`): parameters,
/// Adam moments and step counts, densification statistics, RNG state, the epoch's remaining views,
/// the iteration, and the feature objective's own bytes. Floats are stored bit for bit, so a
/// resumed run continues exactly as the uninterrupted one would.
public struct TrainCheckpoint: Sendable, Equatable {
    public var state: TrainState
    public var objectiveState: [UInt8]

    public init(state: TrainState, objectiveState: [UInt8] = []) {
        self.state = state
        self.objectiveState = objectiveState
    }

    static let magic: [UInt8] = Array("SPLATLIFT-CKPT\n".utf8)
    static let version: UInt32 = 1

    /// The encoded file contents.
    public func encoded() -> Data {
        var w = ByteWriter()
        w.bytes(Self.magic)
        w.u32(Self.version)
        let s = state
        w.i64(s.iteration)
        w.f64(s.sceneExtent)
        for word in s.rng.state { w.u64(word) }
        w.i64(s.viewStack.count)
        for v in s.viewStack { w.i64(v) }
        w.i64(s.gaussians.count)
        w.i64(s.gaussians.shDegree)
        w.i64(s.gaussians.featureCount)
        w.params(s.gaussians)
        w.f64(s.adam.beta1); w.f64(s.adam.beta2); w.f64(s.adam.epsilon)
        w.i64(s.adam.steps.count)
        for step in s.adam.steps { w.i64(step) }
        w.params(s.adam.firstMoment)
        w.params(s.adam.secondMoment)
        w.floats(s.stats.gradientAccum); w.floats(s.stats.visibleCount); w.floats(s.stats.maxRadii)
        w.i64(objectiveState.count)
        w.bytes(objectiveState)
        return Data(w.buffer)
    }

    /// Writes the checkpoint atomically (temp file, flush, rename): a crash or a full disk
    /// leaves the previous checkpoint as it was.
    public func write(to url: URL) throws {
        try AtomicFile.write(encoded(), to: url)
    }

    /// Reads a checkpoint written by `write(to:)`; throws naming the file when it is not one or is damaged.
    public static func read(from url: URL) throws -> TrainCheckpoint {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SplatError("cannot read checkpoint: \(error.localizedDescription)", path: url.path)
        }
        do { return try decode(data) } catch let error as SplatError {
            throw SplatError(error.message, path: url.path)
        }
    }

    /// Decodes `encoded()` output.
    public static func decode(_ data: Data) throws -> TrainCheckpoint {
        var r = ByteReader(data: data)
        guard try r.bytes(magic.count) == magic else { throw SplatError("not a SplatLift training checkpoint") }
        let version = try r.u32()
        guard version == Self.version else { throw SplatError("unsupported checkpoint version \(version)") }
        let iteration = try r.integer()
        let extent = try r.f64()
        var rng = SplatRandom(seed: 0)
        rng.state = try (0..<4).map { _ in try r.u64() }
        let stackCount = try r.count(bytesEach: 8)
        let stack = try (0..<stackCount).map { _ in try r.integer() }
        let count = try r.count(bytesEach: 4), shDegree = try r.integer(), featureCount = try r.integer()
        guard (0...3).contains(shDegree), featureCount < 1 << 16 else { throw SplatError("corrupt checkpoint header") }
        let gaussians = try r.params(count: count, shDegree: shDegree, featureCount: featureCount)
        let beta1 = try r.f64(), beta2 = try r.f64(), epsilon = try r.f64()
        var adam = AdamState(for: GaussianParams(count: 0), beta1: beta1, beta2: beta2, epsilon: epsilon)
        let stepCount = try r.integer()
        guard stepCount == ParameterGroup.allCases.count else { throw SplatError("corrupt checkpoint: \(stepCount) Adam groups") }
        adam.steps = try (0..<stepCount).map { _ in try r.integer() }
        adam.firstMoment = try r.params(count: count, shDegree: shDegree, featureCount: featureCount)
        adam.secondMoment = try r.params(count: count, shDegree: shDegree, featureCount: featureCount)
        var stats = DensificationStats(count: 0)
        stats.gradientAccum = try r.floats(count)
        stats.visibleCount = try r.floats(count)
        stats.maxRadii = try r.floats(count)
        let objectiveCount = try r.count(bytesEach: 1)
        let objectiveState = try r.bytes(objectiveCount)
        guard r.isAtEnd else { throw SplatError("corrupt checkpoint: trailing bytes") }
        for (name, params) in [("Gaussian parameters", gaussians), ("Adam first moments", adam.firstMoment),
                               ("Adam second moments", adam.secondMoment)] {
            let arrays = [params.means, params.logScales, params.rotations, params.opacityLogits, params.sh, params.features]
            guard arrays.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
                throw SplatError("corrupt checkpoint: the \(name) hold a non-finite value (NaN or Inf)")
            }
        }
        let state = TrainState(iteration: iteration, gaussians: gaussians, adam: adam, stats: stats, rng: rng,
                               viewStack: stack, sceneExtent: extent)
        return TrainCheckpoint(state: state, objectiveState: objectiveState)
    }
}

private struct ByteWriter {
    var buffer: [UInt8] = []
    mutating func bytes(_ b: [UInt8]) { buffer.append(contentsOf: b) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { buffer.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { buffer.append(contentsOf: $0) } }
    mutating func i64(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }
    mutating func floats(_ a: [Float]) { a.withUnsafeBytes { buffer.append(contentsOf: $0) } }
    mutating func params(_ p: GaussianParams) {
        floats(p.means); floats(p.logScales); floats(p.rotations)
        floats(p.opacityLogits); floats(p.sh); floats(p.features)
    }
}

private struct ByteReader {
    let data: Data
    var offset: Int

    init(data: Data) { self.data = data; offset = data.startIndex }

    var isAtEnd: Bool { offset == data.endIndex }

    mutating func take(_ n: Int) throws -> Range<Int> {
        guard n >= 0, data.endIndex - offset >= n else { throw SplatError("checkpoint is truncated") }
        defer { offset += n }
        return offset..<(offset + n)
    }
    mutating func bytes(_ n: Int) throws -> [UInt8] { [UInt8](data[try take(n)]) }
    mutating func u64() throws -> UInt64 {
        let range = try take(8)
        return data[range].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }
    mutating func u32() throws -> UInt32 {
        let range = try take(4)
        return data[range].withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
    }
    mutating func f64() throws -> Double { Double(bitPattern: try u64()) }
    /// A non-negative Int64.
    mutating func integer() throws -> Int {
        let v = Int64(bitPattern: try u64())
        guard v >= 0 else { throw SplatError("corrupt checkpoint: negative value \(v)") }
        return Int(v)
    }
    /// A count of items of at least `bytesEach` bytes, which must fit in the rest of the file
    /// (checked before anything is allocated for them).
    mutating func count(bytesEach: Int) throws -> Int {
        let v = try integer()
        guard v <= (data.endIndex - offset) / bytesEach else {
            throw SplatError("corrupt checkpoint: a count of \(v) does not fit in the remaining \(data.endIndex - offset) bytes")
        }
        return v
    }
    mutating func floats(_ n: Int) throws -> [Float] {
        guard n <= (data.endIndex - offset) / 4 else { throw SplatError("checkpoint is truncated") }
        let range = try take(4 * n)
        var out = [Float](repeating: 0, count: n)
        out.withUnsafeMutableBytes { dst in data[range].withUnsafeBytes { src in dst.copyMemory(from: src) } }
        return out
    }
    mutating func params(count: Int, shDegree: Int, featureCount: Int) throws -> GaussianParams {
        var p = GaussianParams(count: 0, shDegree: shDegree, featureCount: featureCount)
        p.count = count
        p.means = try floats(3 * count); p.logScales = try floats(3 * count); p.rotations = try floats(4 * count)
        p.opacityLogits = try floats(count); p.sh = try floats(GaussianParams.shStride * count)
        p.features = try floats(featureCount * count)
        return p
    }
}
