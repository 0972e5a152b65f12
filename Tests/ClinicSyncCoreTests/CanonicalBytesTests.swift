import ClinicSyncCore
import PropertyBased
import Testing

/// The bytes an origin's hash chain will cover (docs/design/authenticated-origins.md): fixed for
/// ever, and different for any two different changes.
@Suite("Canonical bytes of a change")
struct CanonicalBytesTests {
    static let row = try! RowID("00000000-0000-4000-8000-000000000001")
    static let notes = SyncedTable.appointments.column(named: "notes")!
    static let minutes = SyncedTable.appointments.column(named: "minutes")!

    static func change(_ operation: Change.Operation, knowledge: Knowledge = .vector(VersionVector([try! SiteID("b"): 2]))) -> Change {
        Change(
            table: .appointments, rowID: row, operation: operation, origin: try! SiteID("a"), sequence: 1,
            timestamp: HybridTimestamp(milliseconds: 1, counter: 0), knowledge: knowledge)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test("a known change has the bytes written down here (computed independently); they must never change")
    func goldenBytes() {
        let bytes = Self.change(.write([ColumnValue(Self.notes, .text("x"))])).canonicalBytes
        #expect(
            Self.hex(bytes) == "43534531" + "0000000161" + "0000000000000001" + "0000000000010000" + "01"
                + "00000024" + "30303030303030302d303030302d343030302d383030302d303030303030303030303031"
                + "00000200" + "02" + "0000000178" + "00" + "00000001" + "0000000162" + "0000000000000002")
    }

    @Test("NULL differs from a column not written, 1 from \"1\", a delete from a write, a vector from a legacy base")
    func lookalikesDiffer() {
        let variants: [Change] = [
            Self.change(.write([ColumnValue(Self.notes, .null)])),
            Self.change(.write([ColumnValue(Self.notes, .null), ColumnValue(Self.minutes, .null)])),
            Self.change(.write([ColumnValue(Self.minutes, .integer(1))])),
            Self.change(.write([ColumnValue(Self.minutes, .text("1"))])),
            Self.change(.write([ColumnValue(Self.notes, .text(""))])),
            Self.change(.delete),
            Self.change(.delete, knowledge: .vector(VersionVector())),
            Self.change(.delete, knowledge: .legacyBase(nil)),
            Self.change(.delete, knowledge: .legacyBase(WriteStamp(HybridTimestamp(milliseconds: 1, counter: 0), try! SiteID("b")))),
        ]
        #expect(Set(variants.map(\.canonicalBytes)).count == variants.count)
    }

    @Test("over random multi-site histories, two changes have the same bytes exactly when they are the same change")
    func bytesIdentifyChanges() async {
        await propertyCheck(count: 100, input: Gen.uint64()) { seed in
            var generator = HistoryGenerator(seed: seed)
            var replicas = (0..<3).map { ReplicaModel(site: try! SiteID("site-\($0)")) }
            generator.run(&replicas, steps: 60)
            let changes = Array(Set(replicas.flatMap(\.log)))
            #expect(Set(changes.map(\.canonicalBytes)).count == changes.count, "seed \(seed)")
        }
    }
}
