import ArgumentParser

/// `clinicsync prescription ...`
struct PrescriptionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prescription",
        abstract: "Add, change, delete and inspect prescriptions.",
        subcommands: [PrescriptionAdd.self, PrescriptionUpdate.self, PrescriptionDelete.self, PrescriptionList.self, PrescriptionShow.self])
}
