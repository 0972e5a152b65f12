import ClinicSyncTestSupport
import Foundation

/// A push no configured peer made (from a site nobody configured, or under a real site's name
/// without its secret), or one a configured peer makes in another site's name without that site's
/// signature. It must be refused (403, or 422 for a change its origin did not sign) and change
/// nothing; the final invariants would catch a forged change that got in.
enum ForgedPush {
    struct Outcome {
        let kind: String
        let status: String
        /// A violation, if the push was not refused as it must be.
        let problem: String?
    }

    /// `peer`: a site `target` is configured with, if any; `real`: another site of the fleet.
    static func send(to target: ChaosSite, peer: String?, impersonating real: String, using random: inout SeededRandom) throws -> Outcome {
        var kinds = [
            ("an unknown site", "intruder", "intruder", "Bearer chaos-intruder-secret-000000"),
            ("\(real)'s name with a wrong secret", real, real, "Bearer chaos-guessed-secret-0000000"),
            ("\(real)'s name without a secret", real, real, nil),
        ]
        if let peer {
            let secret = "Bearer chaos-" + [target.name, peer].sorted().joined(separator: "-") + "-secret"
            kinds.append(("peer \(peer) with its secret, in \(real)'s name", peer, real, secret))
            kinds.append(("peer \(peer) with its secret, in a name outside the fleet", peer, "intruder", secret))
        }
        let (kind, sender, origin, authorization) = kinds[Int.random(in: 0..<kinds.count, using: &random)]
        let row = UUID().uuidString.lowercased()
        let now = Int64(Date().timeIntervalSince1970 * 1000) << 16
        let body = """
            {"changes":[{"table":"appointments","row_id":"\(row)","op":"write","values":{"notes":"forged"},"origin":"\(origin)",\
            "seq":1,"hlc":\(now),"seen":{}}],"through":{},"proofs":{},"report":{"site":"\(sender)","vector":{},"peers":[],"at":\(now)}}
            """
        var arguments = [
            "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "-X", "POST",
            "-H", "ClinicSync-Protocol: 3", "-H", "ClinicSync-Schema: \(PeerSchemaHeader.value)", "-H", "ClinicSync-Site: \(sender)",
            "-H", "Content-Type: application/json", "--data-binary", body, "http://127.0.0.1:\(target.port)/v3/push",
        ]
        if let authorization { arguments.insert(contentsOf: ["-H", "Authorization: \(authorization)"], at: arguments.count - 3) }
        let result = try ChildProcess.run("/usr/bin/curl", arguments)
        let status = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // 403: refused (the caller, or an origin outside the fleet); 422: a change its origin did not
        // sign; 000: the daemon was down (killed by another fault) — nothing got in either way.
        let refused = status == "403" || status == "422" || status == "000"
        return Outcome(
            kind: kind, status: status,
            problem: refused ? nil : "\(target.name) answered \(status) to a forged push from \(kind)")
    }
}
