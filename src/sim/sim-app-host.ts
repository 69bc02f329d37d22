/**
 * Runs a SimApp off the server's thread. A trial of the virtual iPhone is seconds of
 * synchronous DSP (a maximal one, minutes); on the thread that serves connections it would
 * hold up every other client's hello and heartbeat, and in `voiceaec run` the CLI itself.
 * Each app launch (connection) gets a worker thread; calls are answered in order.
 *
 * From the TypeScript sources (the unit tests) there is no compiled worker file; the app
 * then runs on the calling thread, as it did before workers.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DeviceConfig, TrialMessage } from '../protocol/messages.js';
import { fromFailure, type SimAppCall, type SimAppReply } from './sim-app-messages.js';
import { SimApp, type SimAppOptions, type SimConfigured, type SimReady, type SimTornDown } from './sim-app.js';
import type { SimTrialResult } from './virtual-phone.js';

export interface AsyncSimApp {
  readonly ready: SimReady;
  configure(config: DeviceConfig): Promise<SimConfigured>;
  /** Takes ownership of `samples` (its buffer moves to the worker). */
  loadAudio(audioId: string, sampleRate: number, samples: Float32Array): Promise<void>;
  runTrial(trial: TrialMessage): Promise<SimTrialResult>;
  teardown(): Promise<SimTornDown>;
  close(): void;
}

const WORKER_FILE = new URL('./sim-app-worker.js', import.meta.url);

export async function launchSimApp(opts: SimAppOptions): Promise<AsyncSimApp> {
  return existsSync(fileURLToPath(WORKER_FILE)) ? WorkerSimApp.launch(opts) : inThread(new SimApp(opts));
}

/** A call on this thread, its throw turned into a rejection as a worker's would be. */
function settled<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

function inThread(app: SimApp): AsyncSimApp {
  return {
    ready: app.ready(),
    configure: (config) => settled(() => app.configure(config)),
    loadAudio: (audioId, sampleRate, samples) => settled(() => app.loadAudio(audioId, sampleRate, samples)),
    runTrial: (trial) => settled(() => app.runTrial(trial)),
    teardown: () => settled(() => app.teardown()),
    close: () => undefined,
  };
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Call = SimAppCall extends infer C ? (C extends SimAppCall ? Omit<C, 'id'> : never) : never;

class WorkerSimApp implements AsyncSimApp {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    readonly ready: SimReady,
  ) {}

  static launch(opts: SimAppOptions): Promise<WorkerSimApp> {
    const worker = new Worker(WORKER_FILE, { workerData: opts });
    // Connections keep a server or a run alive; a worker left behind by a bug must not.
    worker.unref();
    return new Promise((resolve, reject) => {
      let app: WorkerSimApp | null = null;
      const fail = (e: Error) => {
        if (app) app.failAll(e);
        else {
          reject(e);
          void worker.terminate();
        }
      };
      worker.on('message', (reply: SimAppReply) => {
        if (app) return app.settle(reply);
        if ('failure' in reply) return fail(fromFailure(reply.failure));
        app = new WorkerSimApp(worker, reply.value as SimReady);
        resolve(app);
      });
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`the virtual iPhone's worker thread exited (${code})`)));
    });
  }

  configure(config: DeviceConfig): Promise<SimConfigured> {
    return this.call({ op: 'configure', config }) as Promise<SimConfigured>;
  }

  async loadAudio(audioId: string, sampleRate: number, samples: Float32Array): Promise<void> {
    await this.call({ op: 'loadAudio', audioId, sampleRate, samples }, [samples.buffer as ArrayBuffer]);
  }

  runTrial(trial: TrialMessage): Promise<SimTrialResult> {
    return this.call({ op: 'runTrial', trial }) as Promise<SimTrialResult>;
  }

  teardown(): Promise<SimTornDown> {
    return this.call({ op: 'teardown' }) as Promise<SimTornDown>;
  }

  close(): void {
    this.closed = true;
    this.failAll(new Error('the virtual iPhone was closed'));
    void this.worker.terminate();
  }

  private call(call: Call, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the virtual iPhone was closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...call, id }, transfer);
    });
  }

  private settle(reply: SimAppReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if ('failure' in reply) p.reject(fromFailure(reply.failure));
    else p.resolve(reply.value);
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
