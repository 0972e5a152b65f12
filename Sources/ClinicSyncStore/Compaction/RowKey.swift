/// A synchronised row's key in 24 bytes instead of a 36-character string, so that compaction can
/// hold hundreds of thousands of them. Row ids are lowercase UUIDs (the capture triggers and
/// ``ClinicSyncCore/RowID`` refuse anything else), and their text order is the order of their bits.
struct RowKey: Hashable, Comparable {
    let table: Int32
    let high: UInt64
    let low: UInt64

    /// Parses a lowercase `8-4-4-4-12` UUID; `nil` for anything else (such a row is never compacted).
    init?(table: Int, id bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 36 else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        var digits = 0
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let nibble: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = UInt64(byte - UInt8(ascii: "a") + 10)
            default: return nil
            }
            if digits < 16 { words.0 = words.0 << 4 | nibble } else { words.1 = words.1 << 4 | nibble }
            digits += 1
        }
        self.table = Int32(truncatingIfNeeded: table)
        (high, low) = words
    }

    /// The row id as stored.
    var id: String {
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for digit in 0..<32 {
            if digit == 8 || digit == 12 || digit == 16 || digit == 20 { text.append(UInt8(ascii: "-")) }
            let word = digit < 16 ? high : low
            text.append(hex[Int(word >> (60 - 4 * UInt64(digit % 16)) & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Which of `count` compaction passes looks at this row.
    func partition(of count: Int) -> Int {
        Int((high ^ low ^ UInt64(bitPattern: Int64(table))) % UInt64(count))
    }

    static func < (lhs: RowKey, rhs: RowKey) -> Bool {
        (lhs.table, lhs.high, lhs.low) < (rhs.table, rhs.high, rhs.low)
    }
}
