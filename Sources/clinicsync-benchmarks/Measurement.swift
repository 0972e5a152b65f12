import Foundation

/// Timing helpers: every figure is the median of several runs and is printed beside its baseline,
/// measured in the same process, and the ratio between them.
enum Measurement {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
    }

    /// One line: the figure, its baseline, the ratio and the target it is held to.
    static func report(_ label: String, value: Double, baseline: Double, unit: String, target: String) {
        let padded = label.padding(toLength: 58, withPad: " ", startingAt: 0)
        print(padded + String(format: "%12.1f %@ vs %12.1f %@  ratio %6.2f  (target %@)", value, unit, baseline, unit, value / baseline, target))
    }

    /// One line with a figure and no baseline.
    static func note(_ label: String, _ text: String) {
        print(label.padding(toLength: 58, withPad: " ", startingAt: 0) + text)
    }
}
