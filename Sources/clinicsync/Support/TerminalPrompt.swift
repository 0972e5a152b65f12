import ClinicSyncDaemon
import Foundation

/// Asks for a secret at the controlling terminal with echo off, so it is neither shown nor kept in
/// the shell's history.
enum TerminalPrompt {
    static func secret(_ prompt: String) throws(ApplicationError) -> String {
        let terminal = open("/dev/tty", O_RDWR)
        guard terminal >= 0 else {
            throw ApplicationError(.usage, "no terminal to ask for the password at; give it on standard input with --password-stdin")
        }
        defer { close(terminal) }
        var saved = termios()
        guard tcgetattr(terminal, &saved) == 0 else {
            throw ApplicationError(.usage, "cannot turn off echo at this terminal; give the password on standard input with --password-stdin")
        }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(terminal, TCSAFLUSH, &quiet)
        defer { tcsetattr(terminal, TCSAFLUSH, &saved) }
        _ = prompt.withCString { write(terminal, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(terminal, &byte, 1) == 1, byte != UInt8(ascii: "\n") { bytes.append(byte) }
        _ = write(terminal, "\n", 1)
        return String(decoding: bytes, as: UTF8.self)
    }
}
