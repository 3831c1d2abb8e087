import RetortModel
import RetortReading
import RetortDiff

/// A new revision file as `retort revision` and `retort merge` write it: its file name,
/// a fresh id and its XML.
public struct NewRevision: Sendable {
    public var id: String
    public var parents: [String]
    public var message: String
    public var branchLabels: [String]
    public var dependsOn: [String]
    /// `NNNN_slug.xml`.
    public var fileName: String
    /// The file's content: the `<revision>` element with an empty `<upgrade>`.
    public var xml: String

    /// Builds the file for a revision of `project` (its revisions give the next number and
    /// the ids to avoid). `id` nil draws a fresh one. Throws a `bad-value` diagnostic when
    /// `id` or a branch label is malformed or already taken.
    public init(project revisions: [Revision], parents: [String], message: String, branchLabels: [String] = [],
                id: String? = nil, dependsOn: [String] = [], merge: Bool = false) throws {
        let taken = Set(revisions.map(\.id))
        for label in branchLabels {
            if label.isEmpty || label.contains(where: { $0.isWhitespace || $0 == "," || $0 == "@" }) {
                throw Diagnostic(.badValue, at: nil, "branch label '\(label)' must be a word without spaces, commas or '@'")
            }
            if let holder = revisions.first(where: { $0.branchLabels.contains(label) }) {
                throw Diagnostic(.badValue, at: holder.location, "branch label '\(label)' is already used by revision \(holder.id)")
            }
            if taken.contains(label) { throw Diagnostic(.badValue, at: nil, "branch label '\(label)' is a revision id") }
        }
        if let id {
            if !Self.isValidID(id) {
                throw Diagnostic(.badValue, at: nil, "revision id '\(id)' must match [A-Za-z0-9_]{1,32} and not be base, head or heads")
            }
            if let other = revisions.first(where: { $0.id == id }) {
                throw Diagnostic(.duplicateRevision, at: other.location, "revision id \(id) is already used")
            }
            self.id = id
        } else {
            var generator = SystemRandomNumberGenerator()
            self.id = Self.freshID(avoiding: revisions.map(\.id), using: &generator)
        }
        self.parents = parents
        self.message = message
        self.branchLabels = branchLabels
        self.dependsOn = dependsOn
        fileName = Self.nextFileName(stems: revisions.map(\.stem), message: message, fallback: merge ? "merge" : "revision")
        var attributes = "id=\"\(RevisionWriter.escapedAttribute(self.id))\""
        if !parents.isEmpty { attributes += " parent=\"\(RevisionWriter.escapedAttribute(parents.joined(separator: " ")))\"" }
        if !branchLabels.isEmpty { attributes += " branch-labels=\"\(RevisionWriter.escapedAttribute(branchLabels.joined(separator: " ")))\"" }
        if !dependsOn.isEmpty { attributes += " depends-on=\"\(RevisionWriter.escapedAttribute(dependsOn.joined(separator: " ")))\"" }
        attributes += " message=\"\(RevisionWriter.escapedAttribute(message))\" format=\"1\""
        let upgrade = merge ? "  <upgrade/>\n" : "  <upgrade>\n  </upgrade>\n"
        xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<revision \(attributes)>\n\(upgrade)</revision>\n"
    }

    /// Reads the file back as a compile will, so that a message XML cannot hold is an
    /// error now rather than at the next compile.
    public func check(displayPath: String) throws {
        let root = try XMLReader.parse(Array(xml.utf8), displayPath: displayPath)
        _ = try DeclarationDecoder().revision(root, stem: String(fileName.dropLast(4)), hash: "")
    }

    package static func isValidID(_ id: String) -> Bool {
        let valid = !id.isEmpty && id.utf8.count <= 32
            && id.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 }
        return valid && !["base", "head", "heads"].contains(id)
    }

    /// Twelve lowercase hex digits (48 bits) from `generator`, as Alembic's ids.
    ///
    /// Random rather than derived from the content: two developers who create a revision
    /// with the same message on the same head, on two branches, must not get the same id
    /// (a content-derived id would collide exactly then). Ids never collide with an
    /// existing id, and while possible they do not share their first four characters with
    /// one either, so every 4-character prefix already in use keeps naming one revision.
    public static func freshID(avoiding existing: [String], using generator: inout some RandomNumberGenerator) -> String {
        let ids = Set(existing)
        let prefixes = Set(existing.map { String($0.prefix(4)) })
        let digits = Array("0123456789abcdef")
        var fallback: String?
        for _ in 0..<256 {
            var value = generator.next() & 0xFFFF_FFFF_FFFF
            var characters: [Character] = []
            for _ in 0..<12 {
                characters.append(digits[Int(value & 0xF)])
                value >>= 4
            }
            let id = String(characters)
            guard !ids.contains(id) else { continue }
            if !prefixes.contains(String(id.prefix(4))) { return id }
            fallback = fallback ?? id
        }
        return fallback!
    }

    /// `NNNN_slug.xml`: the number after the highest number that starts an existing file
    /// name (at least four digits, more when the history already uses more), and the
    /// message as a slug.
    public static func nextFileName(stems: [String], message: String, fallback: String = "revision") -> String {
        var highest = 0, width = 4
        for stem in stems {
            let digits = stem.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int(digits) else { continue }
            highest = max(highest, number)
            width = max(width, digits.count)
        }
        let number = String(highest + 1)
        let padded = String(repeating: "0", count: max(0, width - number.count)) + number
        let slug = slug(message)
        return "\(padded)_\(slug.isEmpty ? fallback : slug).xml"
    }

    /// Lowercase ASCII letters and digits, runs of anything else as one `_`, at most 48
    /// characters (cut at a word boundary).
    public static func slug(_ message: String) -> String {
        var result = ""
        var gap = false
        for scalar in message.lowercased().unicodeScalars {
            if scalar.isASCII, ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if gap && !result.isEmpty { result += "_" }
                gap = false
                result.unicodeScalars.append(scalar)
            } else {
                gap = true
            }
        }
        if result.count > 48 {
            let cut = result.prefix(48)
            result = String(cut.lastIndex(of: "_").map { cut[..<$0] } ?? cut)
        }
        return result
    }
}
