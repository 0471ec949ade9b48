import Foundation
import Testing
import SplatMath
import SplatTestSupport
@testable import SplatLift

@Suite struct ObjectTableTests {
    /// A table whose object k+1 owns `entries[k]`.
    static func table(entries: [[Int]], entryCount: Int) -> ObjectTable {
        let objects = entries.enumerated().map { k, owned in
            ObjectTable.Object(id: k + 1, entries: owned, parent: nil, gaussians: 10, area: 100 - k, largestView: "v.png",
                               color: ObjectTable.hexColor(SegmentationOverlay.color(of: Int32(k + 1))), name: nil)
        }
        return ObjectTable(entryCount: entryCount, settings: ObjectSettings(), objects: objects,
                           stages: .init(candidates: 3, merges: [], votedObjects: entries.count, splitObjects: 0))
    }

    /// Keys become ids 1…K by descending area (ties: the smaller key); split keys name their parent's id.
    @Test func numberingGoesByArea() {
        let keys: [Int32] = [7, 7, 3, 256, 3, 3, 9]
        let (table, ids) = ObjectTable.numbered(keys: keys, entriesOfKey: [7: [7, 8], 3: [3], 9: [9]], parentOfKey: [256: 3],
                                                area: [7: 50, 3: 80, 256: 50, 9: 5], largestView: [3: "a.png"], entryCount: 300,
                                                settings: ObjectSettings(),
                                                stages: .init(candidates: 4, merges: [], votedObjects: 3, splitObjects: 1))
        #expect(ids == [2, 2, 1, 3, 1, 1, 4])
        #expect(table.objects.map(\.entries) == [[3], [7, 8], [], [9]])
        #expect(table.objects.map(\.gaussians) == [3, 2, 1, 1])
        #expect(table.objects[2].parent == 1 && table.objects[0].largestView == "a.png")
        #expect(table.objects[0].color == ObjectTable.hexColor(SegmentationOverlay.color(of: 1)))
    }

    /// After an edit the other objects keep their ids; emptied objects leave the table.
    @Test func keepingDropsEmptiedObjects() {
        let table = Self.table(entries: [[0], [1], [2]], entryCount: 4)
        let kept = table.keeping(gaussianIDs: [1, 3, 3])
        #expect(kept.ids == [1, 3] && kept.objects.map(\.gaussians) == [1, 2])
        #expect(kept.validIDsText == "valid ids are 1, 3")
        #expect(table.validIDsText == "valid ids are 1…3")
    }

    /// objects.json round-trips; damaged files and files of the older format are refused with the
    /// file named and, for the older format, the command that upgrades the model.
    @Test func fileRoundTripAndDamage() throws {
        let url = try TestData.temporaryDirectory("objects").appendingPathComponent(ObjectTable.fileName)
        let table = Self.table(entries: [[0, 2], [1]], entryCount: 4)
        try table.save(to: url)
        #expect(try ObjectTable.load(from: url) == table)

        var damaged: [ObjectTable] = []
        var twice = table; twice.objects[1].entries = [2]; damaged.append(twice)
        var outside = table; outside.objects[0].entries = [4]; damaged.append(outside)
        var order = table; order.objects[1].id = 1; damaged.append(order)
        var parent = table; parent.objects[0].parent = 5; damaged.append(parent)
        for broken in damaged {
            try broken.save(to: url)
            #expect { try ObjectTable.load(from: url) } throws: { ($0 as? SplatError)?.description.contains(url.path) == true }
        }
        try Data(#"{"format": "splatlift-objects-1", "entryCount": 4}"#.utf8).write(to: url)
        #expect { try ObjectTable.load(from: url) } throws: { ($0 as? SplatError)?.description.contains("splatlift group") == true }
        try Data("{}".utf8).write(to: url)
        #expect { try ObjectTable.load(from: url) } throws: { ($0 as? SplatError)?.description.contains("objects.json") == true }
    }

    /// A table written before the view-majority votes and the mask share were defaults (no such
    /// keys) says what made it: weight-sum votes, every mask counting.
    @Test func olderSettingsReadAsTheyWereMade() throws {
        let url = try TestData.temporaryDirectory("objects-older").appendingPathComponent(ObjectTable.fileName)
        try Self.table(entries: [[0], [1]], entryCount: 2).save(to: url)
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var settings = json["settings"] as! [String: Any]
        #expect(settings["associationVotes"] as? String == "view-majority" && settings["maskShare"] as? Double == 0.05)
        settings["associationVotes"] = nil
        settings["maskShare"] = nil
        json["settings"] = settings
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        let older = try ObjectTable.load(from: url).settings
        #expect(older.associationVotes == nil && older.maskShare == nil)
    }
}
