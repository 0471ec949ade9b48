import ArgumentParser
import SplatTrain

/// The range checks of numeric command-line options, shared by every command (#18): a value out
/// of range — negative, zero, NaN, infinite or too large for what the command allocates — is a
/// one-line error naming the option, its range and the value (`Error: --views must be in
/// 1...100000, got -1`, exit 1), never a usage dump, a trap or an impossible allocation. Numeric
/// options are declared with `parsing: .unconditional` so that "-1" reaches the check instead of
/// being read as an option; a value that is not a number at all (`--views nan`) is a usage error,
/// printed in one line by `SplatLiftCommand.main`.
enum OptionCheck {
    /// The largest image side a command renders or generates (ImageIO's 16384×16384 limit).
    static let maxSide = 16384
    /// Worker threads (0 = all cores), as a training run accepts them.
    static let threads = TrainConfig.threadRange
    /// Image downscale factors (`-r`, `--downscale`), as a training run accepts them.
    static let downscale = TrainConfig.resolutionRange

    /// `value`, when given, must lie in `range`.
    static func int(_ value: Int?, _ option: String, _ range: ClosedRange<Int>) throws {
        guard let value, !range.contains(value) else { return }
        let allowed = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "in \(range.lowerBound)...\(range.upperBound)"
        throw ValidationErrorLine("\(option) must be \(allowed), got \(value)")
    }

    /// `value`, when given, must be a finite number in `range` (open at an end when asked).
    static func real(_ value: Double?, _ option: String, _ range: ClosedRange<Double>,
                     openBelow: Bool = false, openAbove: Bool = false) throws {
        guard let value else { return }
        let ok = value.isFinite && range.contains(value) && !(openBelow && value == range.lowerBound)
            && !(openAbove && value == range.upperBound)
        guard !ok else { return }
        let low = (openBelow ? "(" : "[") + number(range.lowerBound), high = number(range.upperBound) + (openAbove ? ")" : "]")
        throw ValidationErrorLine("\(option) must be a finite number in \(low), \(high), got \(value)")
    }

    static func real(_ value: Float?, _ option: String, _ range: ClosedRange<Double>,
                     openBelow: Bool = false, openAbove: Bool = false) throws {
        try real(value.map(Double.init), option, range, openBelow: openBelow, openAbove: openAbove)
    }

    private static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
    }
}
