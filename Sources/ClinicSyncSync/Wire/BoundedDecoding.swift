/// A list in a peer's message longer than the protocol allows. Decoding stops at the first element
/// past the bound, so a hostile or broken peer cannot make this site build an unbounded batch.
package struct ListTooLong: Error, Sendable, CustomStringConvertible {
    package let field: String
    package let limit: Int

    package var description: String { "\(field) may hold at most \(limit) entries" }
}

extension KeyedDecodingContainer {
    /// Decodes the list under `key`, refusing it as soon as it holds more than `limit` elements.
    func decodeList<Element: Decodable>(_ type: Element.Type, forKey key: Key, atMost limit: Int) throws -> [Element] {
        var list = try nestedUnkeyedContainer(forKey: key)
        var elements: [Element] = []
        elements.reserveCapacity(Swift.min(list.count ?? 0, limit))
        while !list.isAtEnd {
            guard elements.count < limit else { throw ListTooLong(field: key.stringValue, limit: limit) }
            elements.append(try list.decode(Element.self))
        }
        return elements
    }
}
