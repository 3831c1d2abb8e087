import Crypto
import Foundation
import RetortModel
import RetortCompiler

/// Every file `retort sql` writes, by path relative to the output folder.
public struct Artifacts: Sendable {
    public var files: [String: [UInt8]]

    public init(files: [String: [UInt8]]) { self.files = files }

    /// Paths in byte order: the order files are written, listed and hashed in.
    public var sortedPaths: [String] { files.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    public static let toolVersion = "0.1.0"

    /// Builds the artifacts of SPEC §4 from a compilation.
    public static func build(_ compilation: Compilation) throws -> Artifacts {
        let assembler = ScriptAssembler(compilation)
        let graph = compilation.graph
        let project = compilation.project
        let name = project.settings.name
        var files: [String: [UInt8]] = [:]

        let upSteps = VersionPlanner.upgrade(graph, graph.order, from: [])
        let reversed = Array(graph.order.reversed())
        let downSteps = VersionPlanner.downgrade(graph, reversed, from: graph.heads)
        let perRevisionMode: TransactionMode = project.settings.transaction == .none ? .none : .perRevision
        var upgradeFile: [Int: String] = [:], downgradeFile: [Int: String] = [:]
        // Each revision's blocks are rendered once, for its own files and the whole scripts,
        // the revisions shared among the processors.
        struct Rendered {
            var up: ScriptBlock, down: ScriptBlock
            var upPath: String, downPath: String
            var upFile: [UInt8], downFile: [UInt8]
            var upHash: String, downHash: String
        }
        let rendered = inParallel(graph.order.count) { at -> Rendered in
            let index = graph.order[at]
            let revision = graph.revisions[index]
            let up = assembler.upgradeBlock(index, upSteps[at])
            let down = assembler.downgradeBlock(index, downSteps[reversed.count - 1 - at])
            let isFirstRoot = graph.parents[index].isEmpty
            let upFile = assembler.assemble(title: "Retort upgrade: \(name), revision \(revision.id)",
                                            preamble: isFirstRoot ? [assembler.versionTableDDL()] : [], blocks: [up], mode: perRevisionMode)
            let downFile = assembler.assemble(title: "Retort downgrade: \(name), revision \(revision.id)", preamble: [], blocks: [down], mode: perRevisionMode)
            let upBytes = Array(upFile.utf8), downBytes = Array(downFile.utf8)
            return Rendered(up: up, down: down, upPath: "upgrade/\(revision.stem).sql", downPath: "downgrade/\(revision.stem).sql",
                            upFile: upBytes, downFile: downBytes,
                            upHash: SHA256.hash(data: upBytes).hexString, downHash: SHA256.hash(data: downBytes).hexString)
        }
        var outputs: [String: String] = [:]
        outputs.reserveCapacity(2 * rendered.count + 3)
        files.reserveCapacity(2 * rendered.count + 4)
        for (at, index) in graph.order.enumerated() {
            let r = rendered[at]
            files[r.upPath] = r.upFile
            files[r.downPath] = r.downFile
            outputs[r.upPath] = r.upHash
            outputs[r.downPath] = r.downHash
            upgradeFile[index] = r.upPath
            downgradeFile[index] = r.downPath
        }
        // The whole-history scripts and the schema are independent: written side by side.
        let upBlocks = rendered.map(\.up), downBlocks = rendered.map(\.down)
        let wholes: [(path: String, bytes: [UInt8], hash: String)] = inParallel(3) { which in
            let (path, text) = switch which {
            case 0: ("upgrade.sql", assembler.universalUpgradeScript(upBlocks, order: graph.order, title: "Retort upgrade: \(name), any revision -> head (\(graph.order.count) revisions)"))
            case 1: ("downgrade.sql", assembler.universalDowngradeScript(downBlocks.reversed(), order: reversed, title: "Retort downgrade: \(name), any revision -> base (\(graph.order.count) revisions)"))
            default: ("schema.sql", assembler.schemaScript(title: "Retort schema: \(name) at head"))
            }
            let bytes = Array(text.utf8)
            return (path, bytes, SHA256.hash(data: bytes).hexString)
        }
        for whole in wholes {
            files[whole.path] = whole.bytes
            outputs[whole.path] = whole.hash
        }

        let chains = ManifestChain.hashes(graph)
        let manifest = Manifest(
            tool: "retort", toolVersion: toolVersion, format: Manifest.currentFormat, project: name,
            target: .init(postgres: project.settings.targetPostgres),
            versionTable: project.settings.versionTable.schema + "." + project.settings.versionTable.name,
            transaction: project.settings.transaction.rawValue,
            heads: graph.heads.map { graph.revisions[$0].id },
            historySha256: ManifestChain.historyHash(graph, chains),
            headSchemaSha256: ManifestChain.schemaFingerprint(compilation.headState),
            revisions: graph.order.map { index in
                let revision = graph.revisions[index]
                let digest = revision.digest
                return .init(id: revision.id, parents: revision.parents, dependsOn: revision.dependsOn, branchLabels: revision.branchLabels,
                             message: revision.message, source: revision.location.file, sourceSha256: revision.sourceHash,
                             contentSha256: digest.content, chainSha256: chains[index],
                             upgradeOperations: digest.upgrade.map(\.entry), downgradeOperations: digest.downgrade.map { $0.map(\.entry) },
                             upgrade: upgradeFile[index]!, downgrade: downgradeFile[index]!,
                             irreversible: compilation.revisions[index].irreversibleAt != nil)
            },
            inputs: Dictionary(uniqueKeysWithValues: project.inputs.map { ($0.path, $0.sha256) }),
            outputs: outputs
        )
        files["manifest.json"] = manifest.json
        return Artifacts(files: files)
    }
}
