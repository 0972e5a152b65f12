package import Foundation

/// The package's executables as the tests find them: beside the test bundle in the products folder.
package enum BuiltProducts {
    /// `clinicsync` (`CLINICSYNC_BINARY` overrides it, to test another build).
    package static var clinicsync: URL {
        if let override = ProcessInfo.processInfo.environment["CLINICSYNC_BINARY"] { return URL(fileURLWithPath: override) }
        return executable("clinicsync")
    }

    /// The executable `name` in the folder holding the test runner (on Linux the runner is
    /// `<products>/clinicsyncPackageTests.xctest`), or the nearest folder above it that has one.
    package static func executable(_ name: String) -> URL {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return runner.deletingLastPathComponent().appendingPathComponent(name)
    }
}
