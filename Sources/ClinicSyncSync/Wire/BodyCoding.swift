import CompressNIO
import Foundation
import NIOCore
import NIOFoundationEssentialsCompat

/// JSON bodies, gzip-compressed when the other side accepts it.
package enum BodyCoding {
    /// The encoding name used in `Content-Encoding` and `Accept-Encoding`.
    package static let gzip = "gzip"

    static func encode<T: Encodable>(_ value: T) throws -> ByteBuffer {
        ByteBuffer(data: try JSONEncoder().encode(value))
    }

    static func compress(_ buffer: ByteBuffer) throws -> ByteBuffer {
        var input = buffer
        return try input.compress(with: .gzip())
    }

    /// Inflates a gzip body, refusing one that would inflate beyond `limit` bytes.
    static func decompress(_ buffer: ByteBuffer, limit: Int) throws -> ByteBuffer {
        var input = buffer
        return try input.decompress(with: .gzip(), maxSize: limit)
    }

    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
    }

    /// Whether an `Accept-Encoding` value admits gzip.
    static func accepts(gzipIn header: String?) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains {
            $0.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() == gzip
        }
    }
}
