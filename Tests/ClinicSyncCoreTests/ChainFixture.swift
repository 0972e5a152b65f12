import ClinicSyncCore

/// One origin's changes sealed into a chain, and batches cut from it as a sender would.
struct ChainFixture {
    let crypto = ChainTestCrypto()
    let origin: SiteID
    let signer: ChainTestSigner
    let genesis: SealedGroup
    private(set) var changes: [Change] = []
    private(set) var groups: [OriginChainState.StoredGroup] = []

    /// `count` changes numbered from `genesis`, sealed after every `sealEvery` of them.
    init(origin: String = "a", genesis at: Int64 = 1, count: Int, sealEvery: Int = 1_000, signer: ChainTestSigner = ChainTestSigner()) throws {
        self.origin = try SiteID(origin)
        self.signer = signer
        genesis = try ChainSealer(crypto: crypto, signer: signer).genesis(of: self.origin, at: at)
        try append(count, sealEvery: sealEvery)
    }

    static func change(of origin: SiteID, _ sequence: Int64, notes: String? = nil) -> Change {
        let row = try! RowID("00000000-0000-4000-8000-\(String(repeating: "0", count: 12 - String(sequence % 1000).count))\(sequence % 1000)")
        let column = SyncedTable.appointments.column(named: "notes")!
        return Change(
            table: .appointments, rowID: row, operation: .write([ColumnValue(column, .text(notes ?? "note \(sequence)"))]),
            origin: origin, sequence: sequence, timestamp: HybridTimestamp(milliseconds: UInt64(1_000 + sequence), counter: 0),
            knowledge: .vector(VersionVector()))
    }

    /// Makes and seals `count` more changes, numbered from `startingAt` (default: the next number).
    mutating func append(_ count: Int, sealEvery: Int = 1_000, startingAt: Int64? = nil) throws {
        let first = startingAt ?? ((changes.last?.sequence ?? genesis.genesis - 1) + 1)
        let made = (0..<Int64(count)).map { Self.change(of: origin, first + $0) }
        changes += made
        let sealer = ChainSealer(crypto: crypto, signer: signer)
        for start in stride(from: 0, to: made.count, by: sealEvery) {
            groups += try sealer.seal(Array(made[start..<min(start + sealEvery, made.count)]), after: groups.last?.header ?? genesis)
        }
    }

    var tip: SealedGroup { groups.last?.header ?? genesis }

    var fleet: FleetKeys { FleetKeys([origin: [FleetKeys.Key(fingerprint: signer.fingerprint)]]) }

    var verifier: ChainVerifier { ChainVerifier(crypto: crypto, fleet: fleet) }

    /// What a sender holding `held` (default: every change) sends to a receiver at `from - 1`, up to `to`.
    func batch(from: Int64, to: Int64? = nil, held: Set<Int64>? = nil) -> (changes: [Change], proof: OriginProof) {
        let end = to ?? tip.last
        let sent = changes.filter { $0.sequence >= from && $0.sequence <= end && (held?.contains($0.sequence) ?? true) }
        let overlapping = groups.filter { $0.header.last >= from && $0.header.first <= end }
        let proof = OriginProof(
            publicKeys: [signer.publicKey], genesis: genesis,
            groups: overlapping.map { group in
                // A sender that compacted a whole group keeps only its root.
                let anyHeld = (group.header.first...group.header.last).contains { held?.contains($0) ?? true }
                return anyHeld ? group : OriginChainState.StoredGroup(header: group.header, leaves: nil)
            }, from: from, carrying: Set(sent.map(\.sequence)))
        return (sent, proof)
    }

    /// What a receiver holds after verifying and applying everything up to `held`.
    func state(heldUpTo held: Int64, groupsThrough: Int64? = nil) -> OriginChainState {
        let kept = groups.filter { $0.header.first <= (groupsThrough ?? held) }
        return OriginChainState(genesis: genesis, tip: kept.last?.header ?? genesis, groups: kept, held: held, knownKeys: [signer.publicKey])
    }
}
