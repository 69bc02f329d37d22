/**
 * `npm run bench`: speed figures, printed, never asserted (the machine's speed is not a
 * test result). Medians of repeated runs; compare ratios, the VM is noisy.
 */
import { resolveAnalysisOptions } from '../src/config/analysis-options.js';
import { analyzeTrial } from '../src/analysis/analyze-trial.js';
import { decimationFactor, minRateForBand } from '../src/dsp/band-filter.js';
import { realFft, type FftBackendName } from '../src/dsp/fft.js';
import { gccFftSize, gccPhat } from '../src/dsp/gcc-phat.js';
import { integratedLoudness, truePeakDbtp } from '../src/fixture-prep/loudness-meter.js';
import { whiteNoise } from '../test/helpers/random.js';
import { fractionalDelay } from '../test/helpers/synth.js';
import { makeTrial, trialInput } from '../test/helpers/trial.js';
import { timeSync } from './timing.js';

const line = (s: string) => console.log(s);

line('## FFT: real forward + inverse round trip (ms)');
for (const n of [4096, 65_536, 1 << 20]) {
  const x = whiteNoise(n, 1);
  const t = (b: FftBackendName) =>
    timeSync(
      () => {
        const p = realFft(n, b);
        p.inverse(p.forward(x));
      },
      n > 100_000 ? 5 : 50,
    );
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
    const t = (backend: FftBackendName) => timeSync(() => gccPhat(x, y, { ...all, beta, backend }), 3);
    const [a, b] = [t('pffft'), t('fftjs')];
    const lag = gccPhat(x, y, { ...all, beta })!.peakLag;
    line(
      `${beta === 1 ? 'GCC-PHAT' : 'plain xcorr'}: pffft-wasm ${a.toFixed(0)}  fft.js ${b.toFixed(0)}  ratio ${(b / a).toFixed(1)}×  (found lag ${lag}, true 12345)`,
    );
  }
}

// Steady state, as when a runner analyses trial after trial: the JIT takes about fifteen
// trials to settle (the first, with plan and mask creation, ~70 ms), which a single
// warm-up call would leave in the first row's median.
line('\n## Trial analysis throughput (one core, 6 s trial: 0.5 s pre-roll, 3.5 s speech, 2 s post-roll; after 15 warm-up trials)');
for (const fs of [48_000, 16_000]) {
  const tr = makeTrial({ fs, speechS: 3.5, preRollMs: 500, postRollMs: 2000, delaySamples: Math.round(fs * 0.02), residualMs: 300 });
  const durS = tr.ref.length / fs;
  const input = trialInput(tr.ref, tr.mic, fs);
  let fiveGatesMs = 0;
  for (const gates of [[0, 300, 500, 800, 1500], Array.from({ length: 41 }, (_, i) => i * 50)]) {
    const o = resolveAnalysisOptions({ gatesMs: gates });
    const ms = timeSync(() => analyzeTrial(input, o), 25, 15);
    if (gates.length === 5) fiveGatesMs = ms;
    line(`${fs / 1000} kHz, ${gates.length} gates: ${ms.toFixed(2)} ms per trial = ${((durS * 1000) / ms).toFixed(0)}× real time (target ≥ 1000×)`);
  }
  // The trial's own transforms (sized as src/analysis/playback-measure.ts does): two forward
  // at the full rate, three inverse at the band rate. What the rest of the analysis costs
  // is the difference.
  const o = resolveAnalysisOptions({});
  const factor = decimationFactor(fs, minRateForBand(Math.max(o.bandHz[1], o.delayBandHz[1])));
  const n = gccFftSize(tr.ref.length, tr.mic.length, Math.round((o.minDelayMs * fs) / 1000), Math.round((o.maxDelayMs * fs) / 1000), factor);
  const [full, band] = [realFft(n), realFft(n / factor)];
  const [spectrum, signal] = [new Float32Array(n / factor), new Float32Array(n / factor)];
  const fftMs = timeSync(
    () => {
      full.forward(tr.ref, spectrum);
      full.forward(tr.mic, spectrum);
      for (let i = 0; i < 3; i++) band.inverseUnscaled(spectrum, signal);
    },
    25,
    15,
  );
  line(
    `${fs / 1000} kHz: its PFFFT transforms (2 × ${n} forward, 3 × ${n / factor} inverse) ${fftMs.toFixed(2)} ms = ${((100 * fftMs) / fiveGatesMs).toFixed(0)} % of the 5-gate time`,
  );
}

line('\n## Loudness (ebur128-wasm), 60 s at 48 kHz (ms)');
{
  const x = whiteNoise(60 * 48_000, 3, 0.1);
  line(`integrated ${timeSync(() => integratedLoudness(x, 48_000), 5).toFixed(0)}  true peak ${timeSync(() => truePeakDbtp(x, 48_000), 5).toFixed(0)}`);
}
