import Foundation

/// `work(i)` for every `i` in `0..<count`, shared among the processors (at most 8), each
/// index exactly once; the results in index order, so a caller that takes them in order,
/// the first error first, behaves exactly as one thread would. `work` must not touch shared
/// mutable state.
package func inParallel<T>(_ count: Int, _ work: (Int) throws -> T) -> [Result<T, any Error>] {
    let workers = min(max(1, ProcessInfo.processInfo.activeProcessorCount), 8, count)
    guard workers > 1 else { return (0..<count).map { i in Result { try work(i) } } }
    let results = UnsafeMutableBufferPointer<Result<T, any Error>?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    withoutActuallyEscaping(work) { work in
        // Each index is written by exactly one worker; the buffer is read after all return.
        let shared = UncheckedSendable((work, results))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let (work, results) = shared.value
            var i = w
            while i < count {
                results[i] = Result { try work(i) }
                i += workers
            }
        }
    }
    // Moved out, not copied: the buffer is then empty and its memory can go (a copy left
    // every result retained once more, which the fuzzer's leak check found).
    let moved = (0..<count).map { (results.baseAddress! + $0).move()! }
    results.deallocate()
    return moved
}

/// The same for work that cannot fail.
package func inParallel<T>(_ count: Int, _ work: (Int) -> T) -> [T] {
    inParallel(count) { i throws -> T in work(i) }.map { try! $0.get() }
}

private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
