// Retrying Core Audio calls that fail transiently. Field reports (../shared/notes/
// ios-vpio-engine.md §1.3, §2.2–2.3): AudioUnitInitialize on a VoiceProcessingIO unit fails
// with the undocumented -66635 when inits come back to back (WebRTC retries with 100 ms
// sleeps); AVAudioEngine.start fails with -66637 right after an interruption (LiveKit retries
// 10 × 100 ms); AudioOutputUnitStart fails during CallKit hold (Twilio retries 5 × 100 ms).
// The policy and the bookkeeping live here so the attempts made can be reported and tested.

public struct RetryPolicy: Equatable, Sendable {
    public var attempts: Int
    public var delayMs: Int

    public init(attempts: Int, delayMs: Int) {
        precondition(attempts >= 1 && delayMs >= 0)
        self.attempts = attempts
        self.delayMs = delayMs
    }

    public static let audioUnitInitialize = RetryPolicy(attempts: 5, delayMs: 100)
    public static let audioUnitStart = RetryPolicy(attempts: 5, delayMs: 100)
    public static let engineStart = RetryPolicy(attempts: 10, delayMs: 100)

    /// What a run of attempts came to: the last status (0 = noErr) and every status seen.
    public struct Outcome: Equatable, Sendable {
        public var status: Int32
        public var statuses: [Int32]
        public var succeeded: Bool { status == 0 }
        /// "-66635, -66635, 0": for configured.errors and the log.
        public var summary: String { statuses.map(String.init).joined(separator: ", ") }
    }

    /// Runs an OSStatus-returning call until it returns 0 or the attempts are used up,
    /// sleeping `delayMs` between attempts through `sleep` (injected: tests do not wait).
    public func run(sleep: (Int) -> Void, _ body: () -> Int32) -> Outcome {
        var statuses: [Int32] = []
        for attempt in 1...attempts {
            let s = body()
            statuses.append(s)
            if s == 0 || attempt == attempts { break }
            sleep(delayMs)
        }
        return Outcome(status: statuses.last!, statuses: statuses)
    }

    /// The same for a throwing call (AVAudioEngine.start): the last error is rethrown.
    public func run<T>(sleep: (Int) -> Void, _ body: () throws -> T) throws -> (value: T, attempts: Int) {
        var attempt = 1
        while true {
            do {
                return (try body(), attempt)
            } catch {
                if attempt == attempts { throw error }
                attempt += 1
                sleep(delayMs)
            }
        }
    }
}
