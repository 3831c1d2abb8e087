import Foundation
import XCTest
import RetortSQL
import RetortModel
import RetortReading
import RetortGraph
import RetortState
import RetortCompiler
import RetortRendering
import RetortDiff
import RetortScripts
import RetortLint
import RetortKit

/// The package's root folder, found from this file's path.
package let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Golden fixtures: `Tests/Fixtures/<name>/project` compiles to `Tests/Fixtures/<name>/out`.
package let goldenFixtures: [URL] = {
    let folder = packageRoot.appendingPathComponent("Tests/Fixtures")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.sorted().map { folder.appendingPathComponent($0) }
}()

/// The example project.
package let exampleProject = packageRoot.appendingPathComponent("models")

/// A project written into a temporary folder: `files` maps paths below the project
/// folder (`retort.xml`, `revisions/0001_a.xml`) to their content.
package final class TemporaryProject {
    package let root: URL
    package var directory: URL { root.appendingPathComponent("proj") }

    package init(_ files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("retort-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("revisions"), withIntermediateDirectories: true)
        for (path, content) in files { try write(path, content) }
    }

    package func write(_ path: String, _ content: String) throws {
        let url = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }

    package func writeBytes(_ path: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(path))
    }

    package func compile() throws -> Compilation { try Compiler.compile(try ProjectLoader.load(directory)) }

    deinit { try? FileManager.default.removeItem(at: root) }
}

/// A revision file with the given upgrade body.
package func revisionXML(_ id: String, parent: String? = nil, _ upgrade: String, downgrade: String? = nil, message: String = "m") -> String {
    let parentAttribute = parent.map { " parent=\"\($0)\"" } ?? ""
    let down = downgrade.map { "\n  <downgrade>\n\($0)\n  </downgrade>" } ?? ""
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <revision id="\(id)"\(parentAttribute) message="\(message)" format="1">
          <upgrade>
        \(upgrade)
          </upgrade>\(down)
        </revision>

        """
}

/// Runs the `retort` executable built next to the tests.
package struct RetortRun {
    package var status: Int32
    package var stdout: String
    package var stderr: String
}

package func runRetort(_ arguments: [String], cwd: URL? = nil, environment: [String: String] = [:]) throws -> RetortRun {
    let binary = packageRoot.appendingPathComponent(".build/debug/retort")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        let problem = "\(binary.path) is missing: run `swift build` first (make test does)"
        // Under CI a missing binary is a failure, never a skip that reads as green.
        if !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty {
            struct MissingBinary: Error, CustomStringConvertible { var description: String }
            throw MissingBinary(description: problem + "; failing because CI is set")
        }
        throw XCTSkip(problem)
    }
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    if let cwd { process.currentDirectoryURL = cwd }
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "RETORT_PROJECT")
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RetortRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// Asserts that `body` throws a diagnostic with `id` at `line:column` whose message
/// contains `fragment`.
package func assertDiagnostic<T>(_ body: @autoclosure () throws -> T, id: String, file path: String? = nil, line: Int? = nil, column: Int? = nil,
                         contains fragment: String, sourceFile: StaticString = #filePath, sourceLine: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected diagnostic \(id) containing '\(fragment)', got success", file: sourceFile, line: sourceLine)
    } catch let diagnostic as Diagnostic {
        XCTAssertEqual(diagnostic.id, id, "\(diagnostic)", file: sourceFile, line: sourceLine)
        XCTAssertTrue(diagnostic.message.contains(fragment), "message '\(diagnostic.message)' lacks '\(fragment)'", file: sourceFile, line: sourceLine)
        if let path { XCTAssertEqual(diagnostic.location?.file, path, "\(diagnostic)", file: sourceFile, line: sourceLine) }
        if let line { XCTAssertEqual(diagnostic.location?.line, line, "\(diagnostic)", file: sourceFile, line: sourceLine) }
        if let column { XCTAssertEqual(diagnostic.location?.column, column, "\(diagnostic)", file: sourceFile, line: sourceLine) }
    } catch {
        XCTFail("expected a Diagnostic, got \(error)", file: sourceFile, line: sourceLine)
    }
}
