import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one `psql` run produced. `status` is psql's exit status (3 when a script stopped on
/// an error under ON_ERROR_STOP), or 128 + the signal number if psql was killed.
package struct PsqlResult: Sendable, Equatable {
    package let status: Int32
    package let stdout: String
    package let stderr: String
}

/// PostgreSQL is needed but unusable. Thrown from a test it fails the test, unlike `XCTSkip`.
package struct PostgresServerError: Error, CustomStringConvertible {
    package let description: String

    package init(description: String) {
        self.description = description
    }
}

/// A throwaway PostgreSQL cluster shared by every test of this test process.
///
/// `PostgresServer.shared()` creates it on first use: `initdb` into a fresh folder
/// `/tmp/retort-pg-<test process pid>-XXXXXX`, socket-only, durability off, started and
/// waited for like `pg_ctl -w start`. It is stopped and deleted when the process exits. Each
/// test takes its own database from `createDatabase()`.
///
/// Without the server binaries `shared()` throws `XCTSkip`, so such tests show as skipped,
/// never as passed; when `CI` or `RETORT_REQUIRE_POSTGRES` is set (or `RETORT_PG_BIN` names a
/// folder without them) it throws `PostgresServerError` instead, so CI cannot skip silently.
package final class PostgresServer: @unchecked Sendable {
    /// The cluster folder: unix sockets, server log, scratch files and `data/` (PGDATA).
    package let directory: URL
    private let dataDirectory: URL
    private let binDirectory: URL

    private let lock = NSLock()
    private var databaseCount = 0  // guarded by `lock`

    private init(directory: URL, dataDirectory: URL, binDirectory: URL) {
        self.directory = directory
        self.dataDirectory = dataDirectory
        self.binDirectory = binDirectory
    }

    // MARK: - The shared cluster

    private static let sharedLock = NSLock()
    /// The outcome of the one start attempt, success or failure, replayed to every caller.
    /// Guarded by `sharedLock`.
    nonisolated(unsafe) private static var sharedState: Result<PostgresServer, any Error>?

    /// The cluster of this test process, started on first call.
    /// Throws `XCTSkip` or `PostgresServerError` as described on the type.
    package static func shared() throws -> PostgresServer {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if sharedState == nil {
            sharedState = Result { try start() }
        }
        return try sharedState!.get()
    }

    // MARK: - Databases and psql

    /// Creates an empty database (or a copy of `template`, which no session may be using)
    /// with a name unique in this test process and returns the name.
    package func createDatabase(template: String? = nil) throws -> String {
        let name = lock.withLock {
            databaseCount += 1
            return "retort_test_\(databaseCount)"
        }
        _ = try query(database: "postgres", "CREATE DATABASE \(name)" + (template.map { " TEMPLATE \(Self.quoteIdentifier($0))" } ?? ""))
        return name
    }

    /// Drops a database, disconnecting any session still using it.
    package func dropDatabase(_ name: String) throws {
        _ = try query(
            database: "postgres",
            "DROP DATABASE IF EXISTS \(Self.quoteIdentifier(name)) WITH (FORCE)"
        )
    }

    /// Runs a script file with psql. Failure of the script is reported in the result, not thrown.
    package func psql(database: String, file: URL, onErrorStop: Bool = true) throws -> PsqlResult {
        try runPsql(database: database, options: ["-f", file.path], script: nil, onErrorStop: onErrorStop)
    }

    /// Runs SQL text with psql as a script read from standard input by `-f -`, so statements
    /// such as CREATE INDEX CONCURRENTLY behave as in a file and errors say `psql:<stdin>:LINE:`.
    /// Failure of the script is reported in the result, not thrown.
    package func psql(database: String, sql: String, onErrorStop: Bool = true) throws -> PsqlResult {
        try runPsql(database: database, options: ["-f", "-"], script: sql, onErrorStop: onErrorStop)
    }

    /// Runs SQL and returns its rows unaligned and tuples-only (fields separated by `|`, NULL as
    /// an empty field), without the final newline. Throws if psql reports any error.
    package func query(database: String, _ sql: String) throws -> String {
        let result = try runPsql(database: database, options: ["-A", "-t"], script: sql, onErrorStop: true)
        guard result.status == 0 else {
            throw PostgresServerError(description: """
                psql failed with status \(result.status) in database \(database):
                \(result.stderr)
                SQL:
                \(sql)
                """)
        }
        return result.stdout.hasSuffix("\n") ? String(result.stdout.dropLast()) : result.stdout
    }

    /// `pg_dump --schema-only --no-owner --no-privileges` of `database`, as a DBA takes it
    /// to hand a schema over. Throws if pg_dump fails.
    package func schemaDump(database: String) throws -> String {
        let output = try Self.run(binDirectory.appendingPathComponent("pg_dump").path,
                                  ["-h", directory.path, "-U", "postgres", "--schema-only", "--no-owner", "--no-privileges", database],
                                  standardInput: nil, in: directory)
        guard output.status == 0 else {
            throw PostgresServerError(description: "pg_dump of \(database) failed with status \(output.status):\n\(output.stderr)")
        }
        return output.stdout
    }

    /// `name` as a double-quoted SQL identifier.
    package static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private func runPsql(database: String, options: [String], script: String?, onErrorStop: Bool) throws -> PsqlResult {
        var arguments = ["-X", "-q", "-h", directory.path, "-U", "postgres", "-d", database]
        if onErrorStop {
            arguments += ["-v", "ON_ERROR_STOP=1"]
        }
        var scriptFile: URL?
        if let script {
            let file = directory.appendingPathComponent("\(UUID().uuidString).sql")
            try Data(script.utf8).write(to: file)
            scriptFile = file
        }
        defer {
            if let scriptFile {
                try? FileManager.default.removeItem(at: scriptFile)
            }
        }
        let output = try Self.run(
            binDirectory.appendingPathComponent("psql").path,
            arguments + options,
            standardInput: scriptFile,
            in: directory
        )
        return PsqlResult(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }

    // MARK: - Starting and stopping

    private static let folderPrefix = "retort-pg-"
    private static let defaultBinDirectory = "/usr/lib/postgresql/15/bin"

    private static func start() throws -> PostgresServer {
        let environment = ProcessInfo.processInfo.environment
        if !(environment["RETORT_FAST"] ?? "").isEmpty {
            // `make test-fast`: the inner loop without a server. Never under CI.
            if !(environment["CI"] ?? "").isEmpty || !(environment["RETORT_REQUIRE_POSTGRES"] ?? "").isEmpty {
                throw PostgresServerError(description: "RETORT_FAST is set together with CI or RETORT_REQUIRE_POSTGRES; the PostgreSQL tests must run")
            }
            throw XCTSkip("RETORT_FAST is set (make test-fast): the tests that need PostgreSQL were SKIPPED, not passed; make test runs them")
        }
        let configuredBin = environment["RETORT_PG_BIN"].flatMap { $0.isEmpty ? nil : $0 }
        let binDirectory = URL(fileURLWithPath: configuredBin ?? defaultBinDirectory, isDirectory: true)
        let missing = ["initdb", "postgres", "psql"].filter {
            !FileManager.default.isExecutableFile(atPath: binDirectory.appendingPathComponent($0).path)
        }
        if !missing.isEmpty {
            let problem = "PostgreSQL 15 server binaries not found in \(binDirectory.path) "
                + "(missing: \(missing.joined(separator: ", "))). Install Debian's postgresql-15 "
                + "package or set RETORT_PG_BIN to the folder holding initdb, postgres and psql."
            let requiredBy = ["CI", "RETORT_REQUIRE_POSTGRES", "RETORT_PG_BIN"].filter {
                !(environment[$0] ?? "").isEmpty
            }
            if !requiredBy.isEmpty {
                throw PostgresServerError(description: problem
                    + " Failing instead of skipping because \(requiredBy.joined(separator: " and ")) is set.")
            }
            let skip = problem + " The tests that need PostgreSQL were SKIPPED, not passed "
                + "(set RETORT_REQUIRE_POSTGRES=1 to make this an error)."
            let banner = String(repeating: "!", count: 100)
            FileHandle.standardError.write(Data("\n\(banner)\n\(skip)\n\(banner)\n\n".utf8))
            throw XCTSkip(skip)
        }

        // initdb and postgres refuse to run as root: run them as the postgres user,
        // owning the cluster folder. Root's own psql connects fine over the socket (trust).
        var serverUser: (runuser: String, uid: uid_t, gid: gid_t)?
        if getuid() == 0 {
            guard let account = getpwnam("postgres") else {
                throw PostgresServerError(description:
                    "Running as root, but there is no `postgres` OS user to run the PostgreSQL server as.")
            }
            guard let runuser = ["/usr/sbin/runuser", "/sbin/runuser"]
                .first(where: FileManager.default.isExecutableFile(atPath:))
            else {
                throw PostgresServerError(description:
                    "Running as root, but runuser (util-linux) was not found to start PostgreSQL as `postgres`.")
            }
            serverUser = (runuser, account.pointee.pw_uid, account.pointee.pw_gid)
        }

        removeStaleClusters()
        let directory = try makeClusterDirectory()
        let dataDirectory = directory.appendingPathComponent("data", isDirectory: true)

        // A server program and its arguments, behind runuser when we are root.
        func serverCommand(_ name: String, _ arguments: [String]) -> (executable: String, arguments: [String]) {
            let program = binDirectory.appendingPathComponent(name).path
            guard let serverUser else { return (program, arguments) }
            return (serverUser.runuser, ["-u", "postgres", "--", program] + arguments)
        }

        do {
            if let serverUser, chown(directory.path, serverUser.uid, serverUser.gid) != 0 {
                throw PostgresServerError(description:
                    "chown \(directory.path) to postgres failed: \(String(cString: strerror(errno)))")
            }
            let initdb = serverCommand("initdb", [
                "-D", dataDirectory.path, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync",
            ])
            let output = try run(initdb.executable, initdb.arguments, in: directory)
            guard output.status == 0 else {
                throw PostgresServerError(description: "initdb failed with status \(output.status):\n\(output.stdout)\(output.stderr)")
            }
            // The folder name is `/tmp/retort-pg-<digits>-<mkdtemp letters>`: nothing to escape.
            // jit is off because the catalog snapshot query's estimated cost crosses
            // jit_above_cost: compiling it took 100-150 ms per snapshot, running it 5 ms.
            let settings = """

                listen_addresses = ''
                unix_socket_directories = '\(directory.path)'
                fsync = off
                synchronous_commit = off
                full_page_writes = off
                jit = off
                timezone = 'UTC'

                """
            let configuration = try FileHandle(forWritingTo: dataDirectory.appendingPathComponent("postgresql.conf"))
            try configuration.seekToEnd()
            try configuration.write(contentsOf: Data(settings.utf8))
            try configuration.close()
            let postgres = serverCommand("postgres", ["-D", dataDirectory.path])
            try startPostmaster(postgres.executable, postgres.arguments, directory: directory, dataDirectory: dataDirectory)
        } catch {
            stopCluster(directory: directory, dataDirectory: dataDirectory)
            throw error
        }

        atexit {
            PostgresServer.stopSharedCluster()
        }
        return PostgresServer(directory: directory, dataDirectory: dataDirectory, binDirectory: binDirectory)
    }

    /// Starts the postmaster as a child of this process, output into `server.log`, and waits
    /// until its pid file says `ready`, as `pg_ctl -w start` does. Not through pg_ctl itself:
    /// Foundation's Process on Linux learns that a child exited when a socket the child inherited
    /// gets closed, and the postmaster that pg_ctl leaves behind inherits that socket as well, so
    /// waiting for pg_ctl never returns (measured).
    private static func startPostmaster(
        _ executable: String, _ arguments: [String], directory: URL, dataDirectory: URL
    ) throws {
        let logFile = directory.appendingPathComponent("server.log")
        guard FileManager.default.createFile(atPath: logFile.path, contents: nil) else {
            throw PostgresServerError(description: "cannot create \(logFile.path)")
        }
        let log = try FileHandle(forWritingTo: logFile)
        let postmaster = try launch(executable, arguments, standardInput: nil, output: log, error: log, in: directory)
        try log.close()

        func failure(_ problem: String) -> PostgresServerError {
            let logText = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            return PostgresServerError(description: "PostgreSQL \(problem); server log:\n\(logText)")
        }
        let deadline = Date().addingTimeInterval(60)
        while !isReady(dataDirectory: dataDirectory) {
            guard postmaster.isRunning else { throw failure("exited during startup") }
            guard Date() < deadline else { throw failure("did not start within 60 s") }
            usleep(10_000)
        }
    }

    /// Whether line 8 of `postmaster.pid` (the postmaster's status) reads `ready`.
    private static func isReady(dataDirectory: URL) -> Bool {
        let file = dataDirectory.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return false }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.count > 7 && lines[7].trimmingCharacters(in: .whitespaces) == "ready"
    }

    /// Runs at process exit (atexit). A process killed by a signal never gets here: the next
    /// run's `removeStaleClusters()` cleans up after it.
    private static func stopSharedCluster() {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        if case .success(let server)? = sharedState {
            stopCluster(directory: server.directory, dataDirectory: server.dataDirectory)
        }
    }

    /// Stops the postmaster of one of our clusters, if it runs, and deletes the folder.
    private static func stopCluster(directory: URL, dataDirectory: URL) {
        // `!= false`: where /proc cannot tell (macOS), trust the pid file of our own cluster.
        if let pid = postmasterPID(dataDirectory: dataDirectory), isPostmaster(pid, of: dataDirectory) != false {
            stopPostmaster(pid, dataDirectory: dataDirectory)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Immediate shutdown (SIGQUIT), then waits for the postmaster to delete its pid file.
    /// The data is thrown away, so nothing is lost by skipping the shutdown checkpoint.
    private static func stopPostmaster(_ pid: pid_t, dataDirectory: URL) {
        let pidFile = dataDirectory.appendingPathComponent("postmaster.pid").path
        kill(pid, SIGQUIT)
        let deadline = Date().addingTimeInterval(10)
        while FileManager.default.fileExists(atPath: pidFile) && isAlive(pid) {
            guard Date() < deadline else {
                kill(pid, SIGKILL)
                return
            }
            usleep(10_000)
        }
    }

    /// Deletes clusters left behind by earlier test processes that died without their atexit
    /// handler (crash, SIGKILL, debugger stop). The folder name carries the pid of the test
    /// process that owns it; a folder whose owner is still alive is never touched, which also
    /// keeps clear of concurrent test processes. (A reused owner pid only delays the cleanup.)
    private static func removeStaleClusters() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/tmp") else { return }
        for name in names where name.hasPrefix(folderPrefix) {
            let ownerField = name.dropFirst(folderPrefix.count).prefix { $0 != "-" }
            guard let owner = pid_t(ownerField), !isAlive(owner) else { continue }
            let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent(name, isDirectory: true)
            let dataDirectory = directory.appendingPathComponent("data", isDirectory: true)
            if let pid = postmasterPID(dataDirectory: dataDirectory), isAlive(pid) {
                switch isPostmaster(pid, of: dataDirectory) {
                case true?: stopPostmaster(pid, dataDirectory: dataDirectory)
                case false?: break  // the pid now belongs to another process: the cluster is dead
                case nil: continue  // cannot tell without /proc: leave it alone
                }
            }
            try? FileManager.default.removeItem(at: directory)
        }
    }

    private static func makeClusterDirectory() throws -> URL {
        // Kept short on purpose: the socket path `<folder>/.s.PGSQL.5432` must stay under 108 bytes.
        var template = Array("/tmp/\(folderPrefix)\(getpid())-XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let path else {
            throw PostgresServerError(description: "mkdtemp in /tmp failed: \(String(cString: strerror(errno)))")
        }
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// The first line of `postmaster.pid`, if the file exists.
    private static func postmasterPID(dataDirectory: URL) -> pid_t? {
        let file = dataDirectory.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.flatMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
    }

    private static func isAlive(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// Whether `pid` is the postmaster of `dataDirectory` (its command line is
    /// `postgres -D <dataDirectory>`), guarding against pid reuse before sending a signal.
    /// nil where there is no /proc to ask.
    private static func isPostmaster(_ pid: pid_t, of dataDirectory: URL) -> Bool? {
        guard FileManager.default.fileExists(atPath: "/proc/self/cmdline") else { return nil }
        guard let commandLine = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = commandLine.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.contains(dataDirectory.path)
    }

    // MARK: - Running programs

    /// Environment of every PostgreSQL program: ours without any PG* variable (PGPORT, PGHOST,
    /// PGOPTIONS, PGDATABASE, ... would redirect or reconfigure server and sessions), with a
    /// fixed locale, time zone and client encoding so no output depends on the machine.
    private static let programEnvironment: [String: String] = {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["LC_ALL"] = "C"
        environment["PGTZ"] = "UTC"
        environment["PGCLIENTENCODING"] = "UTF8"
        return environment
    }()

    /// Runs a program to completion in `directory`. Its output goes to files in `directory`
    /// rather than pipes: no reader threads and no deadlock on large output. stdin is
    /// `standardInput` or /dev/null. The result is the same triple as a psql run.
    private static func run(
        _ executable: String, _ arguments: [String], standardInput: URL? = nil, in directory: URL
    ) throws -> PsqlResult {
        let name = UUID().uuidString
        let stdoutFile = directory.appendingPathComponent("\(name).stdout")
        let stderrFile = directory.appendingPathComponent("\(name).stderr")
        for file in [stdoutFile, stderrFile] {
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw PostgresServerError(description: "cannot create \(file.path)")
            }
        }
        defer {
            try? FileManager.default.removeItem(at: stdoutFile)
            try? FileManager.default.removeItem(at: stderrFile)
        }
        let stdoutHandle = try FileHandle(forWritingTo: stdoutFile)
        let stderrHandle = try FileHandle(forWritingTo: stderrFile)
        let stdinHandle = try standardInput.map { try FileHandle(forReadingFrom: $0) }
        defer {
            try? stdoutHandle.close()
            try? stderrHandle.close()
            try? stdinHandle?.close()
        }

        let process = try launch(
            executable, arguments, standardInput: stdinHandle, output: stdoutHandle, error: stderrHandle, in: directory
        )
        process.waitUntilExit()

        let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        return PsqlResult(
            status: status,
            stdout: String(decoding: try Data(contentsOf: stdoutFile), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: stderrFile), as: UTF8.self)
        )
    }

    /// Starts a program in `directory` with the fixed environment; stdin is /dev/null if nil.
    private static func launch(
        _ executable: String, _ arguments: [String],
        standardInput: FileHandle?, output: FileHandle, error: FileHandle, in directory: URL
    ) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = programEnvironment
        process.currentDirectoryURL = directory
        process.standardInput = standardInput ?? FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = error
        try process.run()
        return process
    }
}
