/**
 * One launch of the modelled harness app: the virtual iPhone plus the audio it was sent.
 * Every configure builds a fresh phone (a new profile or seed may come with it) and hands it
 * the audio loaded so far, as the real app keeps fixtures across configures. Synchronous:
 * sim-app-host.ts runs it on a worker thread so a long trial never stalls a server.
 */
import type { DeviceConfig, TrialMessage } from '../protocol/messages.js';
import { VirtualPhone, type SimTrialResult } from './virtual-phone.js';

export interface SimAppOptions {
  /** Device profile at launch; a configure message's simulation block may switch it. */
  profile: string;
  seed: number;
}

export type SimReady = Pick<VirtualPhone, 'info'> & { capabilities: ReturnType<VirtualPhone['capabilities']> };
export type SimConfigured = ReturnType<VirtualPhone['configure']>;
export type SimTornDown = ReturnType<VirtualPhone['teardown']>;

export class SimApp {
  private phone: VirtualPhone;
  private readonly audio = new Map<string, { sampleRate: number; samples: Float32Array }>();

  constructor(private readonly opts: SimAppOptions) {
    this.phone = new VirtualPhone(opts);
  }

  ready(): SimReady {
    return { info: this.phone.info, capabilities: this.phone.capabilities() };
  }

  configure(config: DeviceConfig): SimConfigured {
    const sim = config.simulation;
    this.phone = new VirtualPhone({ profile: sim?.deviceProfile ?? this.opts.profile, seed: sim?.seed ?? this.opts.seed });
    for (const [id, a] of this.audio) this.phone.loadAudio(id, a.sampleRate, a.samples);
    return this.phone.configure(config);
  }

  loadAudio(audioId: string, sampleRate: number, samples: Float32Array): void {
    this.audio.set(audioId, { sampleRate, samples });
    this.phone.loadAudio(audioId, sampleRate, samples);
  }

  runTrial(trial: TrialMessage): SimTrialResult {
    return this.phone.runTrial(trial);
  }

  teardown(): SimTornDown {
    return this.phone.teardown();
  }
}
