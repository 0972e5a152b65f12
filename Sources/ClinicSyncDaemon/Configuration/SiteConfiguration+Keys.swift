extension SiteConfiguration {
    /// Every key the configuration file may contain, with what it expects.
    enum Keys {
        static let siteID = ConfigDocument.Key(path: "site.id", expected: "1-64 characters of a-z, 0-9, '-' or '_'")
        static let database = ConfigDocument.Key(path: "site.database", expected: "a path to the SQLite file")
        static let maxDrift = ConfigDocument.Key(path: "clock.max_drift_seconds", expected: "whole seconds from 60 to 86400")
        static let listen = ConfigDocument.Key(path: "server.listen", expected: "host:port, e.g. 0.0.0.0:7420")
        static let plaintext = ConfigDocument.Key(
            path: "server.plaintext", expected: "true or false (true is allowed only when server.listen is a loopback address)")
        static let metricsListen = ConfigDocument.Key(
            path: "metrics.listen", expected: "host:port for /metrics, /health and /ready, e.g. 127.0.0.1:9420")
        static let consoleListen = ConfigDocument.Key(
            path: "console.listen",
            expected: "host:port of the web console; an address other than loopback needs console.tls: true (default 127.0.0.1:9421)")
        static let consoleTLS = ConfigDocument.Key(
            path: "console.tls", expected: "true or false: serve the console over HTTPS with the site's identity certificate (default false)")
        static let consoleEnabled = ConfigDocument.Key(path: "console.enabled", expected: "true or false (default true)")
        static let controlSocket = ConfigDocument.Key(path: "control.socket", expected: "a path for the control socket")
        static let interval = ConfigDocument.Key(path: "sync.interval_seconds", expected: "whole seconds from 1 to 86400")
        static let maxBackoff = ConfigDocument.Key(path: "sync.max_backoff_seconds", expected: "whole seconds from 1 to 86400")
        static let timeout = ConfigDocument.Key(path: "sync.timeout_seconds", expected: "whole seconds from 1 to 3600")
        static let batchChanges = ConfigDocument.Key(path: "sync.batch_changes", expected: "a count from 1 to 10000")
        static let batchBytes = ConfigDocument.Key(path: "sync.batch_bytes", expected: "bytes from 1024 to 8388608")
        static let compression = ConfigDocument.Key(path: "sync.compression", expected: "true or false")
        static let live = ConfigDocument.Key(path: "sync.live", expected: "true or false")
        static let compaction = ConfigDocument.Key(path: "compaction.interval_seconds", expected: "whole seconds, 0 to disable (default 3600)")
        static let timeZone = ConfigDocument.Key(
            path: "alerts.time_zone",
            expected: "an IANA time zone such as America/New_York, the same at every site (default UTC)")
        static let expiryWarningDays = ConfigDocument.Key(path: "alerts.expiry_warning_days", expected: "whole days from 0 to 365 (default 14)")
        static let logLevel = ConfigDocument.Key(path: "log.level", expected: "one of trace, debug, info, notice, warning, error, critical")
        static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        static let peers = "peers"
        static let peerItem = [
            ConfigDocument.Key(path: "name", expected: "the peer's site.id"),
            ConfigDocument.Key(path: "url", expected: "the peer's http(s) URL"),
            ConfigDocument.Key(path: "fingerprint", expected: "the peer's certificate fingerprint, sha256:<64 hex digits>"),
            ConfigDocument.Key(
                path: "secret",
                expected: "the secret both sites configure for each other, 16 to 256 of A-Z a-z 0-9 . _ ~ + / = - (server.plaintext only)"),
        ]
        static let fleet = "fleet"
        static let fleetItem = [
            ConfigDocument.Key(path: "site", expected: "a site.id of the fleet"),
            ConfigDocument.Key(
                path: "fingerprint", expected: "the site's key fingerprint, sha256:<64 hex digits>, as `clinicsync identity show` prints it"),
            ConfigDocument.Key(
                path: "previous",
                expected: "retired keys as sha256:<64 hex digits>@<last number>, comma-separated, as `clinicsync identity rotate` prints them"),
            ConfigDocument.Key(
                path: "retired", expected: "true for a site that was shut down: its changes are still accepted, compaction no longer waits for it"),
        ]
        static let scalars = [
            siteID, database, maxDrift, listen, plaintext, metricsListen, consoleListen, consoleEnabled, consoleTLS, controlSocket, interval,
            maxBackoff, timeout,
            batchChanges, batchBytes,
            compression, live, compaction, timeZone, expiryWarningDays, logLevel,
        ]
    }
}
