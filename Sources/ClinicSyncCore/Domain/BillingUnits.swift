/// Timed billing units of 15 minutes.
package enum BillingUnits {
    /// Units for a treatment of `minutes`, by the CMS "8-minute rule": a unit is billable once at
    /// least 8 of its 15 minutes were delivered (8-22 minutes: 1 unit, 23-37: 2, ...).
    package static func forTreatment(minutes: Int) -> Int {
        max(0, (minutes + 7) / 15)
    }
}
