/// How the sites are wired: every pair, a chain, or a hub with spokes.
enum Topology: String, CaseIterable, Sendable {
    case mesh, line, star

    /// The directed links (caller, callee) between `count` sites.
    func links(_ count: Int) -> [(Int, Int)] {
        var pairs: [(Int, Int)] = []
        switch self {
        case .mesh: for a in 0..<count { for b in 0..<count where a != b { pairs.append((a, b)) } }
        case .line: for a in 0..<(count - 1) { pairs += [(a, a + 1), (a + 1, a)] }
        case .star: for a in 1..<count { pairs += [(0, a), (a, 0)] }
        }
        return pairs
    }
}
