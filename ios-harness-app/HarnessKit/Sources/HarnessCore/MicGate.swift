// The app's post-playback mic gate, with the frame-exact rules of docs/virtual-iphone.md
// §Gates (src/sim/mic-gate.ts is the TypeScript twin; fixtures/harness/gate-cases.json pins both):
// - armed at each drain D, disarmed by the next append A, or armed to the trial's end after
//   the final drain; window [D, min(D + G, A, end)), G = round(ms · rate / 1000);
// - hard: every sample in the window becomes 0;
// - rms2: frames of F = round(rate / 100) samples from D (the last cut short by the window's
//   end) pass unchanged when 10·log10(Σx²/n) > thresholdDbfs, strictly; otherwise become 0.

import Foundation

public enum MicGate {
    public static func windowSamples(ms: Double, rate: Int) -> Int { Int(jsRound((ms * Double(rate)) / 1000)) }
    public static func frameSamples(rate: Int) -> Int { max(1, Int(jsRound(Double(rate) / 100))) }

    /// Does an rms2 frame pass? Energy summed in Double over the frame's own samples.
    @inline(__always) static func passes(energy e: Double, count n: Int, thresholdDbfs: Double) -> Bool {
        guard e > 0 else { return false } // digital silence never passes (-inf dB)
        return 10 * log10(e / Double(n)) > thresholdDbfs
    }

    /// The whole gated stream at once (nil for kind none): the reference the streaming gate
    /// is tested against, and what the shared table checks.
    public static func apply(mic: [Float], gate: GateConfig, silences: [Silence], rate: Int) -> [Float]? {
        if gate.kind == .none { return nil }
        var out = mic
        let g = windowSamples(ms: gate.ms, rate: rate)
        let frame = frameSamples(rate: rate)
        for s in silences {
            let from = s.drainAt
            let to = min(from + g, s.resumeAt ?? Int.max, out.count)
            if to <= from { continue }
            if gate.kind == .hard {
                for i in from..<to { out[i] = 0 }
                continue
            }
            var a = from
            while a < to {
                let b = min(a + frame, to)
                var e = 0.0
                for i in a..<b { e += Double(mic[i]) * Double(mic[i]) }
                if !passes(energy: e, count: b - a, thresholdDbfs: gate.thresholdDbfs) { for i in a..<b { out[i] = 0 } }
                a = b
            }
        }
        return out
    }
}
