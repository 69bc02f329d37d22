/**
 * The JSON block of report.html (`<script id="voiceaec-data">`): written by html.ts, read by
 * the browser code in src/report-client. Types only, with no imports, so that the browser
 * build can import it without pulling in Node code.
 */

/** Percentages (0–100) per evaluated gate; null where a gate has no decided trial. */
export type PercentSeries = Array<number | null>;

export interface ClientResidual {
  frameMs: number;
  /** The detector's threshold, dB over the noise floor. */
  thr: number;
  /** Frame-wise median over trials, dB over the noise floor. */
  median: number[];
  worst: number[] | null;
  worstTrial: number | null;
}

/** A turn profile's false barge-in rate per gate of its cell (docs/vad.md). */
export interface ClientTurn {
  profile: string;
  rate: PercentSeries;
}

export interface ClientCell {
  /** Id prefix of the cell's plot elements: `${key}-leak`, `${key}-res`. */
  key: string;
  gates: number[];
  rate: PercentSeries;
  upper: PercentSeries;
  lower: PercentSeries;
  rateAc: PercentSeries;
  rms2: PercentSeries | null;
  /** Per turn profile, beside the energy detector's curve; [] when no VAD ran. */
  turns: ClientTurn[];
  /** The target leak rate, %. */
  target: number;
  rec: number | null;
  res: ClientResidual;
}

export interface ClientAudio {
  ref: string | null;
  mic: string | null;
  gated: string | null;
}

/** An event as [type, ms from the first mic sample]. */
export type ClientEvent = [type: string, tMs: number];

export interface ClientTrial {
  /** Bucket length of both envelopes, ms. */
  step: number;
  /** Base64 of one byte per bucket: minus peak dBFS. */
  ref: string | null;
  mic: string | null;
  ev: ClientEvent[];
  drain: number | null;
  acEnd: number | null;
  audio: ClientAudio;
  note: string | null;
}

export interface ClientData {
  /** Gates (ms) marked on every gate axis. */
  marks: number[];
  cells: ClientCell[];
  /** Indexed by the data-t attribute of a trial's button. */
  trials: ClientTrial[];
}
