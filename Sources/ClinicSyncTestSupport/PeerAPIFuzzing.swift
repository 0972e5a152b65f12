package import Foundation
package import PropertyBased

/// Random mutations of valid peer-protocol bodies, for fuzzing the peer API in process and against
/// a real daemon.
package enum PeerAPIFuzzing {
    /// A valid push body from `origin` with `count` changes to one row.
    package static func validBatch(origin: String, count: Int) -> Data {
        let now = Int64(Date().timeIntervalSince1970 * 1000) << 16
        let row = UUID().uuidString.lowercased()
        let columns: [(String, Any)] = [("patient_id", "p1"), ("therapist", "Sam"), ("minutes", 30), ("status", "scheduled"), ("notes", NSNull())]
        let changes: [[String: Any]] = (0..<count).map { index in
            let (column, value) = columns[index % columns.count]
            return [
                "table": "appointments", "row_id": row, "op": "write", "values": [column: value],
                "hlc": now + Int64(index), "origin": origin, "seq": index + 1, "seen": [String: Int](),
            ]
        }
        return try! JSONSerialization.data(withJSONObject: [
            "changes": changes, "through": [String: Int](), "proofs": [String: Any](),
            "report": ["site": origin, "vector": [String: Int](), "peers": [String](), "at": 1],
        ])
    }

    /// One random mutation: flip, insert, delete or duplicate bytes, truncate, or splice in a token
    /// that often breaks JSON, types or limits.
    package static func mutate(_ data: Data, using random: inout Xoshiro) -> Data {
        var bytes = [UInt8](data)
        let tokens = [
            "null", "-1", "\"\"", "[]", "{}", "1e309", "\"appointments\"", "\"delete\"", "\"' OR 1=1 --\"",
            "9223372036854775807", "\"\\u0000\"", String(repeating: "9", count: 40),
        ]
        for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0...5, using: &random) {
            case 0: bytes[position] ^= UInt8.random(in: 1...255, using: &random)
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
            case 2: bytes.remove(at: position)
            case 3: bytes = Array(bytes.prefix(position))
            case 4: bytes.insert(contentsOf: Array(tokens.randomElement(using: &random)!.utf8), at: position)
            default:
                let end = min(bytes.count, position + Int.random(in: 1...64, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            }
        }
        return Data(bytes)
    }
}
