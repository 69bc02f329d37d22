/** Per-frame K-weighted loudness (Pipecat's volume measure) against the project's BS.1770 meter and its own definition. */
import { describe, expect, it } from 'vitest';
import { kWeightedFrameLoudness } from '../../../src/dsp/frame-loudness.js';
import { integratedLoudness } from '../../../src/fixture-prep/loudness-meter.js';
import { whiteNoise } from '../../helpers/random.js';

describe('kWeightedFrameLoudness', () => {
  // At 16 kHz the cookbook shelf (pyloudnorm's design, warped near the lower Nyquist) and the
  // ebur128 crate's design differ by about 0.12 dB on white noise; at 48 kHz they agree closely.
  it.each([
    [48_000, 0.1],
    [16_000, 0.25],
  ])('agrees with the EBU R128 meter on 3 s of stationary noise measured as one frame (%i Hz, within %f dB)', (rate, tol) => {
    const x = whiteNoise(3 * rate, 11, 0.05);
    const [frame] = kWeightedFrameLoudness(x, rate, x.length);
    // One block holding everything, the gates pass it: the same quantity up to the filter design (cookbook vs BS.1770) and its start-up.
    expect(Math.abs(frame! - integratedLoudness(x, rate))).toBeLessThan(tol);
  });

  it('reads a full-scale 997 Hz sine at about −3 LKFS (the BS.1770 anchor)', () => {
    const rate = 48_000;
    const x = Float32Array.from({ length: rate }, (_, i) => Math.sin((2 * Math.PI * 997 * i) / rate));
    expect(kWeightedFrameLoudness(x, rate, rate)[0]).toBeCloseTo(-3.01, 1);
  });

  it('measures each frame alone (filters at rest), drops a partial frame, and gives −Infinity for digital silence', () => {
    const x = whiteNoise(512 * 3 + 100, 5, 0.1);
    x.fill(0, 512, 1024);
    const l = kWeightedFrameLoudness(x, 16_000, 512);
    expect(l.length).toBe(3);
    expect(l[1]).toBe(-Infinity);
    expect(l[2]).toBe(kWeightedFrameLoudness(x.slice(1024, 1536), 16_000, 512)[0]);
    expect(() => kWeightedFrameLoudness(x, 16_000, 0)).toThrow(RangeError);
  });
});
