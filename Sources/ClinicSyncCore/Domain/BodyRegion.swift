/// A treated body region (`left ankle`, `lower back`): free text, compared without case and with
/// runs of spaces taken as one, so `Left  Ankle ` and `left ankle` are one region at every site.
///
/// The value is kept folded (trimmed, lowercased, single spaces): equal regions are equal text, and
/// a prescription's list of them never conflicts over spelling.
package struct BodyRegion: Hashable, Comparable, Sendable, CustomStringConvertible {
    package let rawValue: String

    /// Names the README and `--help` list so that sites spell the usual regions alike; any other
    /// region is accepted too.
    package static let commonNames = [
        "head", "jaw", "neck", "upper back", "mid back", "lower back", "chest", "abdomen", "hips", "pelvis",
        "left shoulder", "right shoulder", "left arm", "right arm", "left elbow", "right elbow", "left wrist",
        "right wrist", "left hand", "right hand", "left hip", "right hip", "left thigh", "right thigh", "left knee",
        "right knee", "left leg", "right leg", "left calf", "right calf", "left ankle", "right ankle", "left foot",
        "right foot",
    ]

    /// What a region may be written as, for messages and `--help`.
    package static let form = "1-60 letters, digits, spaces and - ' . / ( ) &, e.g. \"left ankle\" or \"lower back\""

    /// A region typed by a person or sent by the application: refused unless it has the documented form.
    package init(_ text: String, field: String = "body_region") throws(ValidationError) {
        let folded = Self.fold(text)
        guard !folded.isEmpty, folded.count <= 60,
            folded.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || Self.punctuation.contains($0) })
        else {
            throw ValidationError(field: field, rule: "must be \(Self.form); list several regions one at a time")
        }
        rawValue = folded
    }

    /// A region as stored, perhaps by another program: folded, never refused, so a row stays readable
    /// (a region no prescription lists simply matches none). `nil` for blank text.
    package init?(stored text: String) {
        let folded = Self.fold(text)
        guard !folded.isEmpty else { return nil }
        rawValue = folded
    }

    package var description: String { rawValue }

    package static func < (lhs: BodyRegion, rhs: BodyRegion) -> Bool { lhs.rawValue < rhs.rawValue }

    /// A list as stored: a JSON array of the folded regions, sorted, so equal sets are equal text.
    package static func encodeList(_ regions: Set<BodyRegion>) -> String {
        "[" + regions.sorted().map { JSONText.quoted($0.rawValue) }.joined(separator: ",") + "]"
    }

    /// A stored list read back, never refused (a prescription must not drop out of usage and
    /// alerts over its regions): a JSON array of strings, or, when another program wrote something
    /// else (`left ankle`), the whole text as one region. Every site reads the same text alike.
    package static func storedList(_ text: String) -> Set<BodyRegion> {
        guard let items = JSONText.stringArray(text) else { return BodyRegion(stored: text).map { [$0] } ?? [] }
        return Set(items.compactMap(BodyRegion.init(stored:)))
    }

    /// A list given as a field's new value (a conflict resolved with `--value`): a JSON array of
    /// regions of the documented form.
    package static func typedList(_ text: String, field: String = "body_regions") throws(ValidationError) -> Set<BodyRegion> {
        guard let items = JSONText.stringArray(text) else {
            throw ValidationError(field: field, rule: "must be a JSON array of regions, e.g. [\"left ankle\",\"lower back\"]")
        }
        var regions: Set<BodyRegion> = []
        for item in items { regions.insert(try BodyRegion(item, field: field)) }
        return regions
    }

    private static let punctuation: Set<Unicode.Scalar> = [" ", "-", "'", ".", "/", "(", ")", "&"]

    private static func fold(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
