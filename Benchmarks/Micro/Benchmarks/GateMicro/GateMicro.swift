// Microbenchmarks for issue 6 (run by `Benchmarks/run --micro`):
//
//   policy-decide-KIND-N   Policy.decide for a path of 3-6 segments from the root
//   policy-step-KIND-N     one Policy.step: a file name in a shown directory
//                          whose cursor the gate keeps, as on every lookup
//   audit-encoder-EVENT    AuditLineEncoder.append: one JSONL line with its SHA-256 chain
//   jsonencoder-EVENT      Foundation's JSONEncoder on an equivalent Codable struct
//   jsonencoder-chain-EVENT  the same plus the chain: a complete line with the
//                          same fields and length as the one above
//
// KIND is glob or literal, N the number of user rules (the built-in secret
// list comes on top), EVENT open or read. Every iteration does 1,000
// operations (scalingFactor .kilo), so the scaled figures are per decision
// or per line; see PolicyFixture and AuditFixture for what is generated.
// With GATEFS_MICRO_FACTS=FILE set, facts about the inputs go to FILE (Facts.swift).
import Benchmark
import GateAuditFormat
import GatePolicy

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )
    precondition(PolicyFixture.batch == BenchmarkScalingFactor.kilo.rawValue)
    precondition(AuditFixture.batch == BenchmarkScalingFactor.kilo.rawValue)

    for kind in PolicyFixture.Kind.allCases {
        for rules in [10, 1000, 10_000] {
            Benchmark("policy-decide-\(kind.rawValue)-\(rules)", configuration: configuration) { _, fixture in
                let policy = fixture.policy
                for path in fixture.paths {
                    blackHole(policy.decide(path, isDirectory: false))
                }
            } setup: {
                PolicyFixture(kind: kind, userRules: rules)
            }

            Benchmark("policy-step-\(kind.rawValue)-\(rules)", configuration: configuration) { _, fixture in
                let policy = fixture.policy
                for step in fixture.steps {
                    blackHole(policy.step(step.cursor, name: step.name, isDirectory: step.isDirectory))
                }
            } setup: {
                PolicyFixture(kind: kind, userRules: rules)
            }
        }
    }

    for event in AuditFixture.Event.allCases {
        // The writer keeps one encoder (the chain) and reuses one buffer per batch.
        var encoder = AuditLineEncoder()
        var buffer: [UInt8] = []
        Benchmark("audit-encoder-\(event.rawValue)", configuration: configuration) { _, fixture in
            buffer.removeAll(keepingCapacity: true)
            for entry in fixture.entries {
                encoder.append(entry, path: AuditFixture.path, identity: fixture.identity, to: &buffer)
            }
            blackHole(buffer.count)
        } setup: {
            AuditFixture(event: event)
        }

        let plain = JSONEncoderChain().encoder
        Benchmark("jsonencoder-\(event.rawValue)", configuration: configuration) { _, fixture in
            for line in fixture.codable {
                do {
                    blackHole(try plain.encode(line))
                } catch {
                    fatalError("JSONEncoder: \(error)")
                }
            }
        } setup: {
            AuditFixture(event: event)
        }

        var chain = JSONEncoderChain()
        var chainBuffer: [UInt8] = []
        Benchmark("jsonencoder-chain-\(event.rawValue)", configuration: configuration) { _, fixture in
            chainBuffer.removeAll(keepingCapacity: true)
            for line in fixture.codable {
                chain.append(line, to: &chainBuffer)
            }
            blackHole(chainBuffer.count)
        } setup: {
            AuditFixture(event: event)
        }
    }
}
