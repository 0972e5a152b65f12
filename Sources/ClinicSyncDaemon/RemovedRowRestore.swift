import ClinicSyncCore
import Crypto

/// `clinicsync deleted restore`: the id a re-created row gets.
enum RemovedRowRestore {
    /// A name-based UUID (version 5, SHA-1) of the deleted row's id: restoring the same row twice,
    /// or at two sites before they sync, makes one row rather than two bookings.
    static func replacementID(for id: RowID) -> RowID {
        var hash = Insecure.SHA1()
        hash.update(data: namespace)
        hash.update(data: Array(id.rawValue.utf8))
        var bytes = Array(hash.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        // The form is valid by construction.
        return try! RowID(parts.joined(separator: "-"))
    }

    /// The namespace of restored rows' ids (a fixed random UUID, 2f8e61c4-9b0d-4d5e-8a47-3c1f6b2e9d70).
    private static let namespace: [UInt8] = [
        0x2F, 0x8E, 0x61, 0xC4, 0x9B, 0x0D, 0x4D, 0x5E, 0x8A, 0x47, 0x3C, 0x1F, 0x6B, 0x2E, 0x9D, 0x70,
    ]
}
