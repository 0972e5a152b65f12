/// The bytes that identify a change's content at every site: what an origin's hash chain covers
/// (see docs/design/authenticated-origins.md). Built from the decoded change, never from JSON or a
/// stored record, so a change read from the log and the same change read from the wire give the
/// same bytes; every part is length-prefixed or fixed-width, so two different changes never do.
///
///     "CSE1" ‖ str(origin) ‖ i64 seq ‖ i64 hlc ‖ u8 table ‖ str(row id) ‖ u32 column mask (0: delete)
///         ‖ for each written column, by position: 0x00 NULL | 0x01 i64 | 0x02 str
///         ‖ knowledge: 0x00 u32 n (str(site) i64 seq)* by site id | 0x01 (no base) | 0x02 i64 str(origin)
///     str(s) = u32 byte count ‖ UTF-8; integers big-endian
extension Change {
    package var canonicalBytes: [UInt8] { canonicalBytes(prefixedBy: nil) }

    /// The canonical bytes after `prefix` (a leaf hashes them after a 0 byte), built in one buffer.
    package func canonicalBytes(prefixedBy prefix: UInt8?) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160)
        if let prefix { bytes.append(prefix) }
        bytes.append(contentsOf: "CSE1".utf8)
        Self.append(origin.rawValue, to: &bytes)
        Self.append(sequence, to: &bytes)
        Self.append(timestamp.rawValue, to: &bytes)
        bytes.append(UInt8(truncatingIfNeeded: table.code))
        Self.append(rowID.rawValue, to: &bytes)
        let values = self.values
        // Changes read from the log or the wire list their values by position already.
        let written =
            values.indices.dropFirst().allSatisfy { values[$0 - 1].column.position < values[$0].column.position }
            ? values : values.sorted { $0.column.position < $1.column.position }
        Self.append(UInt32(written.reduce(0) { $0 | (UInt32(1) << UInt32($1.column.position)) }), to: &bytes)
        for entry in written {
            switch entry.value {
            case .null:
                bytes.append(0)
            case let .integer(number):
                bytes.append(1)
                Self.append(number, to: &bytes)
            case let .text(text):
                bytes.append(2)
                Self.append(text, to: &bytes)
            }
        }
        switch knowledge {
        case let .vector(vector):
            bytes.append(0)
            let entries = vector.sequences.sorted { $0.key.rawValue < $1.key.rawValue }
            Self.append(UInt32(entries.count), to: &bytes)
            for (site, number) in entries {
                Self.append(site.rawValue, to: &bytes)
                Self.append(number, to: &bytes)
            }
        case .legacyBase(nil):
            bytes.append(1)
        case let .legacyBase(base?):
            bytes.append(2)
            Self.append(base.timestamp.rawValue, to: &bytes)
            Self.append(base.origin.rawValue, to: &bytes)
        }
        return bytes
    }

    private static func append(_ text: String, to bytes: inout [UInt8]) {
        append(UInt32(truncatingIfNeeded: text.utf8.count), to: &bytes)
        bytes.append(contentsOf: text.utf8)
    }

    private static func append(_ number: Int64, to bytes: inout [UInt8]) {
        append(UInt64(bitPattern: number), to: &bytes)
    }

    private static func append<Integer: FixedWidthInteger & UnsignedInteger>(_ number: Integer, to bytes: inout [UInt8]) {
        for shift in stride(from: Integer.bitWidth - 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: number >> shift)) }
    }
}
