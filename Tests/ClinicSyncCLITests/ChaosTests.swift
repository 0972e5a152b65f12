import ClinicSyncTestSupport
import Foundation
import Testing

@Suite("Fault injection (short mode of clinicsync-chaos)", .serialized)
struct ChaosTests {
    @Test("three seeds, one per topology, under partitions, cuts, kill -9 and clock skew: every invariant holds")
    func shortChaos() async throws {
        let chaos = BuiltProducts.executable("clinicsync-chaos")
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "CLINICSYNC_CHAOS_SEEDS")
        let result = try await ChildProcess.run(
            chaos.path, ["--seeds", "3", "--first-seed", "1", "--steps", "40", "--binary", CLIHarness.binary.path], environment: environment)
        let text = result.stdout + result.stderr
        #expect(result.status == 0, "\(text)")
        #expect(text.contains("chaos: 3 of 3 seeds passed"), "\(text)")
    }
}
