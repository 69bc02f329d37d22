/**
 * `npm run bench`: speed figures, printed, never asserted (the machine's speed is not a
 * test result). Medians of repeated runs; compare ratios, the VM is noisy.
 */
import { resolveAnalysisOptions } from '../src/config/analysis-options.js';
import { analyzeTrial } from '../src/analysis/analyze-trial.js';
import { realFft, type FftBackendName } from '../src/dsp/fft.js';
import { gccPhat } from '../src/dsp/gcc-phat.js';
import { whiteNoise } from '../test/helpers/random.js';
import { fractionalDelay } from '../test/helpers/synth.js';
import { makeTrial } from '../test/helpers/trial.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, reps: number): number {
  fn(); // warm-up: JIT, plan creation
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

const rows: string[] = [];
const line = (s: string) => {
  rows.push(s);
  console.log(s);
};

line('## FFT: real forward + inverse round trip (ms)');
for (const n of [4096, 65_536, 1 << 20]) {
  const x = whiteNoise(n, 1);
  const t = (b: FftBackendName) => time(() => { const p = realFft(n, b); p.inverse(p.forward(x)); }, n > 100_000 ? 5 : 50);
  const [a, b] = [t('pffft'), t('fftjs')];
  line(`N=${n}: pffft-wasm SIMD ${a.toFixed(3)}  fft.js ${b.toFixed(3)}  ratio ${(b / a).toFixed(1)}×`);
}

line('\n## Cross-correlation of two 60 s, 48 kHz signals (full lag range, ms)');
{
  const fs = 48_000;
  const x = whiteNoise(60 * fs, 2);
  const y = fractionalDelay(x, 12_345);
  const all = { sampleRate: fs, minLag: -(x.length - 1), maxLag: y.length - 1 };
  for (const beta of [0, 1]) {
    const t = (backend: FftBackendName) => time(() => gccPhat(x, y, { ...all, beta, backend }), 3);
    const [a, b] = [t('pffft'), t('fftjs')];
    const lag = gccPhat(x, y, { ...all, beta })!.peakLag;
    line(`${beta === 1 ? 'GCC-PHAT' : 'plain xcorr'}: pffft-wasm ${a.toFixed(0)}  fft.js ${b.toFixed(0)}  ratio ${(b / a).toFixed(1)}×  (found lag ${lag}, true 12345)`);
  }
}

line('\n## Trial analysis throughput (one core, 6 s trial: 0.5 s pre-roll, 3.5 s speech, 2 s post-roll)');
for (const fs of [48_000, 16_000]) {
  const tr = makeTrial({ fs, speechS: 3.5, preRollMs: 500, postRollMs: 2000, delaySamples: Math.round(fs * 0.02), residualMs: 300 });
  const durS = tr.ref.length / fs;
  const info = { path: null, sampleRate: fs, channels: 1, channelUsed: 0 as const, durationMs: durS * 1000, resampledTo: null };
  for (const gates of [[0, 300, 500, 800, 1500], Array.from({ length: 41 }, (_, i) => i * 50)]) {
    const o = resolveAnalysisOptions({ gatesMs: gates });
    const ms = time(() => analyzeTrial({
      ref: tr.ref, mic: tr.mic, sampleRate: fs, drainMs: null, drainSource: 'reference', playbackStartMs: null, preRollMs: null,
      delayMs: null, calibration: null, refInfo: info, micInfo: info, warnings: [],
    }, o), 15);
    line(`${fs / 1000} kHz, ${gates.length} gates: ${ms.toFixed(2)} ms per trial = ${((durS * 1000) / ms).toFixed(0)}× real time (target ≥ 1000×)`);
  }
}
