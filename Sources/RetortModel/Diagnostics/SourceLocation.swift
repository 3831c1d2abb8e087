/// A position in an input file. `file` is relative to the project's parent folder;
/// `line` and `column` are 1-based, the column counted in bytes (as compilers do).
public struct SourceLocation: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// Where a schema object was declared. It never takes part in equality, so two states
/// built from different files compare by content alone.
public struct Origin: Hashable, Sendable {
    public var location: SourceLocation?
    public init(_ location: SourceLocation?) { self.location = location }
    public static func == (_: Origin, _: Origin) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}

    /// ", added at path:line:col" or nothing when the origin is unknown.
    package var addedAt: String { location.map { ", added at \($0)" } ?? "" }
}

/// A model's rename hint (`renamed-from`): read by autogenerate, never part of equality.
public struct RenameHint: Hashable, Sendable {
    public var from: String?
    public init(_ from: String?) { self.from = from }
    public static func == (_: RenameHint, _: RenameHint) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}
