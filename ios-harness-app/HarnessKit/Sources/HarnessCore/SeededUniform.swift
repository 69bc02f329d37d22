// The project's one seeded uniform generator (src/core/random.ts): mulberry32. Frozen,
// because streaming-pattern jitter built from it is shared with the TypeScript side.

public struct SeededUniform: Sendable {
    private var a: UInt32

    public init(seed: UInt32) { a = seed }

    /// The next number in [0, 1), bit-identical to `uniform(seed)()` in TypeScript.
    public mutating func next() -> Double {
        a = a &+ 0x6D2B_79F5
        var t = a
        t = (t ^ (t >> 15)) &* (t | 1)
        t ^= t &+ ((t ^ (t >> 7)) &* (t | 61))
        return Double(t ^ (t >> 14)) / 4_294_967_296
    }
}
