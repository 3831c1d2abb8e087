import ArgumentParser
import Foundation
import RetortKit
import RetortModel

/// Runs the command line; every failure becomes a diagnostic and exit status 2.
func runRetort() -> Never {
    do {
        var command = try Retort.parseAsRoot()
        try command.run()
        exit(0)
    } catch let diagnostic as Diagnostic {
        FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
        exit(2)
    } catch let code as ExitCode {
        exit(code.rawValue)
    } catch {
        let code = Retort.exitCode(for: error)
        let message = Retort.fullMessage(for: error)
        if code == .success {
            print(message)
            exit(0)
        }
        FileHandle.standardError.write(Data(("retort: error: " + message + "\n").utf8))
        exit(2)
    }
}

runRetort()
