import ClinicSyncTestSupport
import Foundation
import Testing

@Suite("Fault injection (short mode of clinicsync-chaos)", .serialized)
struct ChaosTests {
    @Test("three seeds, one per topology, under partitions, cuts, kill -9 and clock skew: every invariant holds")
    func shortChaos() throws {
        let chaos = BuiltProducts.executable("clinicsync-chaos")
        let process = Process()
        process.executableURL = chaos
        process.arguments = ["--seeds", "3", "--first-seed", "1", "--steps", "40", "--binary", CLIHarness.binary.path]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "CLINICSYNC_CHAOS_SEEDS")
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("chaos: 3 of 3 seeds passed"), "\(text)")
    }
}
