/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast, seedable generator, so every
/// random choice a test makes is reproducible from its seed.
///
/// The helpers below derive numbers from `next()` with arithmetic of their own instead of
/// the standard library's `random(in:using:)` and `randomElement(using:)`, whose algorithms
/// may change between Swift releases: a seed must give the same choices on every toolchain.
package struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (bound > 0), by the high half of a 64×64-bit product
    /// (Lemire's method without the rejection step: the bias is below 2⁻⁵⁰ for our bounds).
    package mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A number in `range`.
    package mutating func between(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    /// True with probability `percent` / 100.
    package mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    /// One element of a non-empty collection.
    package mutating func pick<C: Collection>(_ items: C) -> C.Element {
        items[items.index(items.startIndex, offsetBy: below(items.count))]
    }

    /// One element of a collection, or nil when it is empty.
    package mutating func pickIfAny<C: Collection>(_ items: C) -> C.Element? {
        items.isEmpty ? nil : pick(items)
    }
}
