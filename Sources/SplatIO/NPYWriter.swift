import Foundation

/// NumPy `.npy` files (format version 1.0) of little-endian float32 arrays in C order, the simplest
/// way to hand float maps (depth, identity features) to Python tools.
public enum NPYWriter {
    /// The file bytes of `values` with `shape` (the product of `shape` must equal `values.count`).
    public static func encode(_ values: [Float], shape: [Int]) -> Data {
        precondition(shape.reduce(1, *) == values.count, "npy shape \(shape) does not hold \(values.count) values")
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(dims), }"
        // Magic (6) + version (2) + length (2) + header + newline, padded to a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        values.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: UInt32.self) { bits in
                data.reserveCapacity(data.count + 4 * bits.count)
                for b in bits { withUnsafeBytes(of: b.littleEndian) { data.append(contentsOf: $0) } }
            }
        }
        return data
    }

    /// Writes `values` with `shape` to `url`, atomically.
    public static func write(_ values: [Float], shape: [Int], to url: URL) throws {
        try FileAccess.writeAtomically(encode(values, shape: shape), to: url)
    }
}
