import RetortSQL
import RetortModel
/// The names PostgreSQL 15 gives unnamed constraints, indexes and sequences
/// (`makeObjectName`, `ChooseRelationName`, `ChooseConstraintName`), so that later
/// revisions can refer to them offline.
package enum PostgresNaming {
    package static let maxIdentifierBytes = 63

    /// `name1_name2_label`, shortened to fit 63 bytes by trimming the longer part first
    /// (name2 on a tie), each clipped at a UTF-8 character boundary.
    package static func makeObjectName(_ name1: String, _ name2: String?, _ label: String) -> String {
        let bytes1 = Array(name1.utf8)
        let bytes2 = name2.map { Array($0.utf8) } ?? []
        let overhead = (name2 == nil ? 0 : 1) + label.utf8.count + 1
        let available = maxIdentifierBytes - overhead
        var count1 = bytes1.count, count2 = bytes2.count
        while count1 + count2 > available {
            if count1 > count2 { count1 -= 1 } else { count2 -= 1 }
        }
        var result = clip(bytes1, to: count1)
        if name2 != nil { result += "_" + clip(bytes2, to: count2) }
        return result + "_" + label
    }

    /// The longest prefix of at most `count` bytes that ends on a character boundary.
    package static func clip(_ bytes: [UInt8], to count: Int) -> String {
        var end = min(count, bytes.count)
        while end > 0, end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// Tries `label`, then `label1`, `label2`, … until `isTaken` says no.
    package static func choose(_ name1: String, _ name2: String?, _ label: String, isTaken: (String) -> Bool) -> String {
        var pass = 0
        while true {
            let candidate = makeObjectName(name1, name2, pass == 0 ? label : "\(label)\(pass)")
            if !isTaken(candidate) { return candidate }
            pass += 1
        }
    }

    /// Column names joined by `_`, stopping once the result reaches 63 bytes
    /// (`ChooseForeignKeyConstraintNameAddition`).
    package static func columnPart(_ names: [String]) -> String {
        var result = ""
        for name in names {
            if !result.isEmpty { result += "_" }
            result += name
            if result.utf8.count >= maxIdentifierBytes + 1 { break }
        }
        return result
    }

    /// The column part of an index name: column names, for expressions the function
    /// name or `expr`, then the INCLUDE columns, de-duplicated within the index (`expr`,
    /// `expr1`), as `ChooseIndexColumnNames` does over all of an index's columns.
    package static func indexColumnPart(_ elements: [IndexElement], include: [String] = []) -> String {
        var used: [String] = []
        for element in elements + include.map(IndexElement.column) {
            var base: String
            switch element {
            case .column(let name): base = name
            case .expression(let text): base = ExpressionFacts.figureColumnName(text)
            }
            var candidate = base
            var suffix = 1
            while used.contains(candidate) {
                candidate = "\(base)\(suffix)"
                suffix += 1
            }
            used.append(candidate)
        }
        return columnPart(used)
    }
}
