import Foundation
import RetortModel
import RetortDiff

/// The files `retort init` writes: settings, one empty model file and `revisions/`.
package enum ProjectTemplate {
    /// Scaffolds a project in `folder`; refuses a folder that already has `retort.xml`.
    package static func create(in folder: URL) throws {
        let fm = FileManager.default
        let settings = folder.appendingPathComponent("retort.xml")
        if fm.fileExists(atPath: settings.path) {
            throw Diagnostic(.initExists, at: nil, "\(settings.path) already exists; init leaves existing projects alone")
        }
        try fm.createDirectory(at: folder.appendingPathComponent("revisions"), withIntermediateDirectories: true)
        try Data(settingsFile(name: projectName(folder)).utf8).write(to: settings)
        let model = folder.appendingPathComponent("schema.xml")
        if !fm.fileExists(atPath: model.path) {
            try Data(modelFile.utf8).write(to: model)
        }
    }

    /// The name a new project in `folder` gets: the folder's, or its parent's for `models/`.
    package static func projectName(_ folder: URL) -> String {
        folder.lastPathComponent == "models" ? folder.deletingLastPathComponent().lastPathComponent : folder.lastPathComponent
    }

    package static func settingsFile(name: String, versionTable: String = "retort_version") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <project name="\(RevisionWriter.escapedAttribute(name))" format="1">
          <target postgres="15"/>
          <version-table name="\(RevisionWriter.escapedAttribute(versionTable))" schema="public"/>
          <output dir="../out" transaction="per-revision" guard="true"/>
        </project>

        """
    }

    package static let modelFile = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- The schema as it should be. Add <table>, <enum>, ... here. -->
        <schema name="public" format="1">
        </schema>

        """
}
