import Foundation

/// A thread-safe "please stop" flag, set from a signal handler (Ctrl-C) and polled by the loop.
public final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    public init() {}

    public var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }

    public func set() { lock.lock(); value = true; lock.unlock() }
}
