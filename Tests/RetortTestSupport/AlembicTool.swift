import Foundation
import XCTest

/// Alembic from PyPI, installed once into a throwaway virtualenv, as `make bench` does, to
/// produce the offline SQL (`upgrade --sql`) that `retort import alembic` reads. Never a
/// mock: the tests compare against what real Alembic prints.
///
/// Where PyPI (or python3 with venv) is unavailable, `shared()` throws `XCTSkip` naming the
/// reason, so the tests show as skipped, never as passed; under `CI` it throws an error,
/// so there they fail.
package final class AlembicTool: @unchecked Sendable {
    package let executable: URL
    /// The virtualenv's Python, which imports `alembic`.
    package var python: URL { executable.deletingLastPathComponent().appendingPathComponent("python") }

    private init(executable: URL) { self.executable = executable }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var state: Result<AlembicTool, any Error>?

    package static func shared() throws -> AlembicTool {
        lock.lock()
        defer { lock.unlock() }
        if state == nil { state = Result { try install() } }
        return try state!.get()
    }

    struct AlembicUnavailable: Error, CustomStringConvertible { var description: String }

    private static func install() throws -> AlembicTool {
        let venv = FileManager.default.temporaryDirectory.appendingPathComponent("retort-test-alembic-venv")
        let alembic = venv.appendingPathComponent("bin/alembic")
        if (try? run(alembic.path, ["--version"]))?.status == 0 { return AlembicTool(executable: alembic) }
        try? FileManager.default.removeItem(at: venv)
        var log = ""
        let steps: [(String, [String])] = [
            ("/usr/bin/env", ["python3", "-m", "venv", venv.path]),
            (venv.appendingPathComponent("bin/python").path,
             ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--timeout", "30", "--retries", "1", "alembic"]),
        ]
        for (executable, arguments) in steps {
            let result = try run(executable, arguments)
            log += result.output
            if result.status != 0 {
                let problem = "Alembic could not be installed from PyPI into \(venv.path) (\(executable) \(arguments.joined(separator: " ")) "
                    + "exited \(result.status)):\n\(log)\nThe tests that compare with real Alembic did NOT run."
                if !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty {
                    throw AlembicUnavailable(description: problem + " Failing because CI is set.")
                }
                throw XCTSkip(problem)
            }
        }
        return AlembicTool(executable: alembic)
    }

    /// `alembic -c INI ARGUMENTS…` in `project`; its standard output, or a thrown error
    /// with its standard error.
    package func run(_ arguments: [String], project: URL, environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["-c", project.appendingPathComponent("alembic.ini").path] + arguments
        process.currentDirectoryURL = project
        var env = ProcessInfo.processInfo.environment
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        // Alembic logs each revision on stderr: a file, so neither pipe can fill up.
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("retort-alembic-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errFile)
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errData = (try? Data(contentsOf: errFile)) ?? Data()
        guard process.terminationStatus == 0 else {
            throw AlembicUnavailable(description: "alembic \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)):\n" + String(decoding: errData, as: UTF8.self))
        }
        return String(decoding: outData, as: UTF8.self)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
