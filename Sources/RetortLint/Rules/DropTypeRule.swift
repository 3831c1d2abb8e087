package struct DropTypeRule: LintRule {
    package let description = RuleDescription(
        id: "drop-type", category: .dataLoss, severity: .error,
        summary: "Dropping an enum, sequence or extension that holds state.",
        rationale: "A dropped sequence loses its counter (a downgrade restarts it at its start value, and ids repeat); a dropped extension takes its types and functions with it; a dropped enum breaks clients that still send its values.",
        safeAlternative: "Keep the object until nothing uses it; for a sequence, record its value first (SELECT last_value) and restore it with setval after a downgrade.",
        failing: [LintExample("<!--!-->\n<drop-sequence name=\"tickets\"/>"), LintExample("""
            <alter-column table="students" column="status" type="text" using="status::text"/>
            <!--!-->
            <drop-enum name="status"/>
            """)],
        passing: [LintExample("""
            <create-sequence name="scratch_seq"/>
            <drop-sequence name="scratch_seq"/>
            """)])

    package func check(_ context: OperationContext) -> [RawFinding] {
        switch context.operation {
        case .dropSequence(let name):
            guard context.before.sequence(name) != nil, !context.newObjects.contains(.relation(name)) else { return [] }
            return [RawFinding(context.location, "drops sequence \(name) and its current value; a downgrade restarts it and ids repeat")]
        case .dropEnum(let name):
            guard let type = context.before.enumType(name), !context.newObjects.contains(.type(name)) else { return [] }
            return [RawFinding(context.location, "drops type \(name) (\(type.values.count) values); clients still sending its values fail")]
        case .dropExtension(let name):
            guard !context.newObjects.contains(.extension(name)) else { return [] }
            return [RawFinding(context.location, "drops extension \(name) with its types and functions")]
        default:
            return []
        }
    }
}
