import ArgumentParser
import ClinicSyncDaemon

/// The `clinicsync` command: composes the subcommands and nothing else.
@main
struct ClinicSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clinicsync",
        abstract: "Keeps a clinic site's appointments and prescriptions in sync with its sister sites.",
        discussion: """
            Every command reads the site's YAML configuration (--config, or CLINICSYNC_CONFIG, \
            default /etc/clinicsync/clinicsync.yaml). Exit codes: 0 success, 1 failure, \
            64 bad arguments, 65 invalid data, 66 not found, 69 a peer could not be synced, \
            78 configuration error.
            """,
        version: ClinicSyncVersion.current,
        subcommands: [
            InitCommand.self,
            ServeCommand.self,
            SyncCommand.self,
            StatusCommand.self,
            IdentityCommand.self,
            ClockCommand.self,
            BackupCommand.self,
            RestoreCommand.self,
            CheckCommand.self,
            CompactCommand.self,
            AppointmentCommand.self,
            PrescriptionCommand.self,
            CoverageCommand.self,
            PatientCommand.self,
            AlertsCommand.self,
            ChangesCommand.self,
            ConflictsCommand.self,
            DeletedCommand.self,
            UserCommand.self,
            AuditCommand.self,
        ]
    )
}
