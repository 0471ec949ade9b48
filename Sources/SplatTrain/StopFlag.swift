import Foundation

/// A thread-safe "please stop" flag, set from a signal handler (Ctrl-C) and polled by the loop.
public final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    private var receivedSignal: Int32?
    private let iteration: Int?

    public init() { iteration = nil }

    /// A flag that also counts as set once training has reached `iteration`: a Ctrl-C at a
    /// chosen step (tests interrupt runs with it).
    public init(atIteration iteration: Int) { self.iteration = iteration }

    public var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }

    /// True when set, or when `current` has reached the iteration given at creation.
    public func isSet(atIteration current: Int) -> Bool { isSet || iteration.map { current >= $0 } == true }

    public func set() { lock.lock(); value = true; lock.unlock() }

    /// Sets the flag on behalf of a signal (SIGINT, SIGTERM), remembered for the exit status.
    public func set(signal: Int32) { lock.lock(); value = true; receivedSignal = signal; lock.unlock() }

    /// The signal that set the flag, if one did.
    public var signal: Int32? { lock.lock(); defer { lock.unlock() }; return receivedSignal }
}
