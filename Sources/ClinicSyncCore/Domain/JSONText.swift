/// The little JSON the stored lists need, without Foundation: string arrays read with every escape
/// JSON allows, and strings written with the escapes that make them valid JSON.
enum JSONText {
    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// The strings of a JSON array of strings (whitespace anywhere JSON allows it), or `nil` when
    /// `text` is not exactly one.
    static func stringArray(_ text: String) -> [String]? {
        var reader = Reader(scalars: Array(text.unicodeScalars))
        reader.skipSpace()
        guard reader.take("[") else { return nil }
        var items: [String] = []
        reader.skipSpace()
        if !reader.take("]") {
            repeat {
                reader.skipSpace()
                guard let item = reader.string() else { return nil }
                items.append(item)
                reader.skipSpace()
            } while reader.take(",")
            guard reader.take("]") else { return nil }
        }
        reader.skipSpace()
        return reader.atEnd ? items : nil
    }

    private struct Reader {
        let scalars: [Unicode.Scalar]
        var index = 0

        var atEnd: Bool { index == scalars.count }

        mutating func skipSpace() {
            while index < scalars.count, [" ", "\t", "\n", "\r"].contains(scalars[index]) { index += 1 }
        }

        mutating func take(_ scalar: Unicode.Scalar) -> Bool {
            guard index < scalars.count, scalars[index] == scalar else { return false }
            index += 1
            return true
        }

        /// A string literal; `nil` when malformed (a bad escape, a raw control character, no end).
        mutating func string() -> String? {
            guard take("\"") else { return nil }
            var result = String.UnicodeScalarView()
            while index < scalars.count {
                let scalar = scalars[index]
                index += 1
                switch scalar {
                case "\"": return String(result)
                case "\\":
                    guard index < scalars.count else { return nil }
                    let escaped = scalars[index]
                    index += 1
                    let simple: [Unicode.Scalar: Unicode.Scalar] = [
                        "\"": "\"", "\\": "\\", "/": "/", "b": "\u{8}", "f": "\u{c}", "n": "\n", "r": "\r", "t": "\t",
                    ]
                    if let plain = simple[escaped] {
                        result.append(plain)
                    } else if escaped == "u", let unit = hexUnit() {
                        // A surrogate pair spells one scalar; a lone surrogate is not text.
                        if (0xD800...0xDBFF).contains(unit), take("\\"), take("u"), let low = hexUnit(), (0xDC00...0xDFFF).contains(low) {
                            guard let paired = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) else { return nil }
                            result.append(paired)
                        } else {
                            guard let plain = Unicode.Scalar(unit) else { return nil }
                            result.append(plain)
                        }
                    } else {
                        return nil
                    }
                case _ where scalar.value < 0x20: return nil
                default: result.append(scalar)
                }
            }
            return nil
        }

        private mutating func hexUnit() -> UInt32? {
            // Four hex digits exactly: `UInt32(_:radix:)` alone would take a sign.
            guard index + 4 <= scalars.count, scalars[index..<index + 4].allSatisfy({ $0.properties.isASCIIHexDigit }),
                let value = UInt32(String(String.UnicodeScalarView(scalars[index..<index + 4])), radix: 16)
            else { return nil }
            index += 4
            return value
        }
    }
}
