/**
 * The files of one launch in `files` mode (docs/protocol.md § Transport): plan.ndjson, one
 * CLI → device frame per line (a protocol message, or "@PATH" naming a binary frame's file),
 * and results.ndjson, the device's frames in the same form with binary frames in
 * results/NNNNNN.bin. Reading results is bounded and strict: a truncated line, a frame file
 * that is missing, oversized, out of sequence or outside results/ is an error with a reason.
 */
import { deviceError, isVoiceAecError } from '../../core/errors.js';
import { decodeMessage } from '../../protocol/codec.js';
import { LIMITS, type AnyMessage } from '../../protocol/messages.js';
import { checkRelativePath, FILES_LIMITS, type FilesTransfer } from './files-transfer.js';

export const PLAN_FILE = 'plan.ndjson';
export const RESULTS_FILE = 'results.ndjson';

/** One line of a plan: a message's JSON text, or a binary frame stored in `file`. */
export type PlanEntry = { text: string } | { file: string };

/** A frame the device sent, with its line in results.ndjson. */
export type ResultFrame = { line: number; text: string; message: AnyMessage } | { line: number; file: string; binary: Uint8Array };

export function planText(entries: readonly PlanEntry[]): string {
  if (entries.length === 0) throw new Error('an empty plan');
  return entries.map((e) => ('text' in e ? e.text : `@${checkRelativePath(e.file)}`)).join('\n') + '\n';
}

const resultsError = (what: string) =>
  deviceError('E_FILES_RESULTS', `${RESULTS_FILE}: ${what}`, { hint: 'the harness left results it cannot have written whole; the launch counts as failed' });

/** The binary frame file the n-th (1-based) "@" line of results.ndjson must name, as FilesExchange.swift numbers them. */
export function resultFrameFile(n: number): string {
  return `results/${String(n).padStart(6, '0')}.bin`;
}

/**
 * Parses results.ndjson: every text line must be a message a device sends, every "@" line
 * the next frame file in sequence. Returns the lines with binary frames still to be read.
 */
export function parseResults(bytes: Uint8Array): Array<{ line: number; text: string; message: AnyMessage } | { line: number; file: string }> {
  if (bytes.length > FILES_LIMITS.maxResultsBytes) throw resultsError(`${bytes.length} bytes, more than the ${FILES_LIMITS.maxResultsBytes}-byte limit`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw resultsError('not UTF-8');
  }
  if (!text.endsWith('\n')) throw resultsError('the last line is cut off (no final newline): the file was not written whole');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length > FILES_LIMITS.maxResultLines) throw resultsError(`${lines.length} lines, more than ${FILES_LIMITS.maxResultLines}`);
  const out: Array<{ line: number; text: string; message: AnyMessage } | { line: number; file: string }> = [];
  let binaries = 0;
  for (const [i, raw] of lines.entries()) {
    const line = i + 1;
    if (raw === '') continue;
    if (raw.startsWith('@')) {
      const expected = resultFrameFile(++binaries);
      if (raw.slice(1) !== expected) throw resultsError(`line ${line} names "${raw.slice(1, 60)}", expected ${expected}`);
      out.push({ line, file: expected });
      continue;
    }
    try {
      out.push({ line, text: raw, message: decodeMessage(raw, 'device') });
    } catch (e) {
      if (!isVoiceAecError(e)) throw e;
      throw resultsError(`line ${line}: ${e.code}: ${e.message}`);
    }
  }
  return out;
}

/** Reads results.ndjson and its frame files through the transfer, within FILES_LIMITS. */
export async function readResults(transfer: FilesTransfer): Promise<ResultFrame[]> {
  const bytes = await transfer.get(RESULTS_FILE, FILES_LIMITS.maxResultsBytes);
  if (!bytes) throw resultsError('missing after the harness said it was done');
  let total = 0;
  const frames: ResultFrame[] = [];
  for (const r of parseResults(bytes)) {
    if ('text' in r) {
      frames.push(r);
      continue;
    }
    const binary = await transfer.get(r.file, LIMITS.maxFrameBytes).catch((e: unknown) => {
      throw isVoiceAecError(e) && e.code === 'E_FILES_TOO_LARGE' ? resultsError(`line ${r.line}: ${e.message}`) : e;
    });
    if (!binary) throw resultsError(`line ${r.line} names ${r.file}, which does not exist`);
    total += binary.length;
    if (total > FILES_LIMITS.maxResultBinaryBytes) throw resultsError(`binary frames exceed ${FILES_LIMITS.maxResultBinaryBytes} bytes`);
    frames.push({ line: r.line, file: r.file, binary });
  }
  return frames;
}

/** The error a transfer's `get` gives for a file over its limit. */
export function tooLarge(path: string, size: number, maxBytes: number) {
  return deviceError('E_FILES_TOO_LARGE', `${path} holds ${size} bytes, more than the ${maxBytes} allowed`, {
    hint: 'the harness wrote more than a launch may return; the launch counts as failed',
  });
}
