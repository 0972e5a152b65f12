import ArgumentParser

/// `clinicsync appointment ...`
struct AppointmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appointment",
        abstract: "Add, change, delete and inspect appointments.",
        subcommands: [AppointmentAdd.self, AppointmentUpdate.self, AppointmentDelete.self, AppointmentList.self, AppointmentShow.self])
}
