/**
 * The fixtures a run plays, looked up by id or set, with their audio cached, and the
 * streaming patterns that turn a fixture into a chunk schedule.
 */
import { inputError } from '../core/errors.js';
import { buildSchedule, type StreamingPattern } from '../config/streaming-pattern.js';
import { FIXTURE_SAMPLE_RATE, loadFixtureAudio, loadFixtureManifest, type FixtureEntry } from '../fixture-prep/manifest.js';
import { loadStreamingPatterns } from '../fixture-prep/streaming-patterns.js';
import type { ScheduleEntry } from '../protocol/messages.js';

export class FixtureCatalog {
  private readonly audioCache = new Map<string, Promise<Float32Array>>();

  private constructor(
    private readonly dir: string,
    private readonly entries: FixtureEntry[],
    private readonly patterns: Map<string, StreamingPattern>,
  ) {}

  static async load(dir: string): Promise<FixtureCatalog> {
    const manifest = await loadFixtureManifest(dir);
    const patterns = await loadStreamingPatterns(dir);
    return new FixtureCatalog(dir, manifest.fixtures, new Map(patterns.map((p): [string, StreamingPattern] => [p.id, p])));
  }

  entry(id: string): FixtureEntry {
    const e = this.entries.find((x) => x.id === id);
    if (!e) throw inputError('E_FIXTURE_UNKNOWN', `no fixture "${id}"`, { hint: 'see `voiceaec fixtures list` for the ids' });
    return e;
  }

  /** A set name or id (or a list of ids) → the fixtures, sorted by id within a set. */
  resolve(spec: string | string[], where: string): FixtureEntry[] {
    if (Array.isArray(spec)) return spec.map((id) => this.entry(id));
    const set = this.entries.filter((e) => e.set === spec).sort((a, b) => (a.id < b.id ? -1 : 1));
    if (set.length > 0) return set;
    if (this.entries.some((e) => e.id === spec)) return [this.entry(spec)];
    throw inputError('E_FIXTURE_UNKNOWN', `${where}: no fixture set or id "${spec}"`, { hint: 'see `voiceaec fixtures list` for sets and ids' });
  }

  pattern(id: string): StreamingPattern {
    const p = this.patterns.get(id);
    if (!p) throw inputError('E_PATTERN_UNKNOWN', `no streaming pattern "${id}"`, { hint: `choose one of: ${[...this.patterns.keys()].join(', ')}` });
    return p;
  }

  schedule(patternId: string, frames: number, seed: number): ScheduleEntry[] {
    return buildSchedule(this.pattern(patternId), frames, FIXTURE_SAMPLE_RATE, seed);
  }

  audio(id: string): Promise<Float32Array> {
    let a = this.audioCache.get(id);
    if (!a) {
      a = loadFixtureAudio(this.dir, this.entry(id));
      this.audioCache.set(id, a);
    }
    return a;
  }
}
