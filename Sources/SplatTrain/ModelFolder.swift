import Foundation
import SplatIO
import SplatMath

/// The model folder, in the 3DGS layout so models move between tools:
/// `cfg.json`, `point_cloud/iteration_N/point_cloud.ply`, plus SplatLift's `checkpoint.bin`,
/// `train_log.jsonl`, `metrics.json` and renders.
public struct ModelFolder: Sendable {
    public let url: URL

    public init(_ url: URL) { self.url = url }

    public var configURL: URL { url.appendingPathComponent("cfg.json") }
    public var checkpointURL: URL { url.appendingPathComponent("checkpoint.bin") }
    public var logURL: URL { url.appendingPathComponent("train_log.jsonl") }
    public var metricsURL: URL { url.appendingPathComponent("metrics.json") }

    /// `point_cloud/`, which holds one `iteration_N/` folder per saved point cloud.
    public var pointCloudsURL: URL { url.appendingPathComponent("point_cloud") }

    public func pointCloudURL(iteration: Int) -> URL {
        pointCloudsURL.appendingPathComponent("iteration_\(iteration)/point_cloud.ply")
    }

    /// Creates the folder (and parents) if needed.
    public func create() throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw SplatError("cannot create the model folder: \(error.localizedDescription)", path: url.path)
        }
    }

    /// The highest N with `point_cloud/iteration_N/point_cloud.ply`, or nil.
    public func latestPointCloudIteration() -> Int? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: pointCloudsURL.path) else { return nil }
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("iteration_"), let n = Int(name.dropFirst("iteration_".count)) else { return nil }
            return FileManager.default.fileExists(atPath: pointCloudURL(iteration: n).path) ? n : nil
        }.max()
    }

    public func readConfig() throws -> TrainConfig {
        let data: Data
        do { data = try Data(contentsOf: configURL) } catch {
            throw SplatError("no readable cfg.json: is this a model folder written by `splatlift train`?", path: configURL.path)
        }
        let config: TrainConfig
        do { config = try Self.decodeConfig(data) } catch let error as SplatError {
            throw SplatError("not a SplatLift training configuration (\(error.message))", path: configURL.path)
        } catch {
            throw SplatError("not a SplatLift training configuration (\(JSONErrorText.describe(error)))", path: configURL.path)
        }
        do { try config.validate() } catch let error as SplatError { throw SplatError(error.message, path: configURL.path) }
        return config
    }

    /// Decodes a `cfg.json`; settings it lacks (written before they existed) keep their defaults.
    static func decodeConfig(_ data: Data) throws -> TrainConfig {
        guard var fields = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SplatError("the top level is not a JSON object")
        }
        let defaults = try JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainConfig())) as! [String: Any]
        fields.merge(defaults) { saved, _ in saved }
        try checkWholeNumbers(fields)
        return try JSONDecoder().decode(TrainConfig.self, from: JSONSerialization.data(withJSONObject: fields))
    }

    /// JSONDecoder reports a number that does not fit its field (`"seed": -1`, `"iterations": 1e300`,
    /// `"threads": 0.5`) as "not valid JSON" without naming the field, so the integer fields are
    /// checked here first, naming the field.
    private static func checkWholeNumbers(_ fields: [String: Any]) throws {
        func fits(_ value: Any, unsigned: Bool) -> Bool {
            guard let number = value as? NSNumber, !(value is Bool) else { return true }   // other types: JSONDecoder names them
            let text = number.stringValue, x = number.doubleValue   // the digits, exact for 64-bit integers
            return unsigned ? UInt64(text) != nil || UInt64(exactly: x) != nil : Int(text) != nil || Int(exactly: x) != nil
        }
        for child in Mirror(reflecting: TrainConfig()).children {
            guard let name = child.label, let value = fields[name] else { continue }
            let unsigned = child.value is UInt64 || child.value is UInt64?
            guard unsigned || child.value is Int || child.value is Int? || child.value is [Int] else { continue }
            let values = (value as? [Any]) ?? [value]
            if let bad = values.first(where: { !fits($0, unsigned: unsigned) }) {
                throw SplatError("\(name) = \(bad) is not a whole number" + (unsigned ? " in 0…\(UInt64.max)" : " in \(Int.min)…\(Int.max)"))
            }
        }
    }

    /// Writes `cfg.json` atomically, pretty-printed with sorted keys.
    public func writeConfig(_ config: TrainConfig) throws {
        try JSONFiles.write(config, to: configURL, what: "the training configuration")
    }

    /// `AtomicFile.write` (temp file, flush, rename) into a folder created when missing.
    public static func writeAtomically(_ data: Data, to url: URL) throws {
        try AtomicFile.write(data, to: url, creatingFolder: true)
    }
}
