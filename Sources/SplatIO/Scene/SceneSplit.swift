import Foundation
import SplatMath

/// The train/test split of a scene (see `SceneLoader`).
enum SceneSplit {
    static func choose(views: [String], root: URL, source: (train: [String]?, test: [String], source: String)?,
                       problems: inout [String]) -> (train: [Int], test: [Int], source: String) {
        let splitFile = root.appendingPathComponent("split.json")
        var lists = source
        if SceneFiles.exists(splitFile) {
            do { lists = try readSplitFile(splitFile) } catch {
                problems.append("split.json: \((error as? SplatError)?.message ?? error.localizedDescription)")
                return ([], [], "split.json")
            }
        }
        guard let lists else {
            let test = views.indices.filter { $0 % 8 == 0 }
            let train = views.indices.filter { $0 % 8 != 0 }
            if train.isEmpty { problems.append("no training views (every 8th view is a test view and there are \(views.count))") }
            return (train, test, "every 8th")
        }
        let index = Dictionary(views.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let byFileName = Dictionary(views.enumerated().map { (($1 as NSString).lastPathComponent, $0) }, uniquingKeysWith: { a, _ in a })
        func resolve(_ names: [String]) -> [Int] {
            names.compactMap { n in
                let clean = n.hasPrefix("./") ? String(n.dropFirst(2)) : n
                if let i = index[clean] ?? byFileName[clean] ?? byFileName[(clean as NSString).lastPathComponent] { return i }
                problems.append("\(lists.source) names \(n), which is not a view")
                return nil
            }
        }
        let test = Set(resolve(lists.test))
        var train: Set<Int>
        if let t = lists.train {
            train = Set(resolve(t))
            for i in train.intersection(test).sorted() { problems.append("\(lists.source) lists \(views[i]) as both train and test") }
            for i in views.indices where !train.contains(i) && !test.contains(i) {
                problems.append("\(lists.source) lists \(views[i]) as neither train nor test")
            }
        } else {
            train = Set(views.indices).subtracting(test)
        }
        if train.isEmpty { problems.append("\(lists.source) has no training views") }
        return (train.sorted(), test.sorted(), lists.source)
    }

    private static func readSplitFile(_ url: URL) throws -> (train: [String]?, test: [String], source: String) {
        let data = try Data(contentsOf: url)
        guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SplatError("top level is not a JSON object", path: url.path)
        }
        guard let test = obj["test"] as? [String] else { throw SplatError("has no \"test\" list of names", path: url.path) }
        if obj["train"] != nil && !(obj["train"] is [String]) {
            throw SplatError("\"train\" is not a list of names", path: url.path)
        }
        return (obj["train"] as? [String], test, "split.json")
    }
}
