/**
 * What FilesExchange.swift does, with the virtual iPhone as the device: runs a files-mode
 * plan (docs/protocol.md § Transport) through a fresh sim device server (one app launch),
 * every plan frame in order, and returns the device's frames as results.ndjson lines and
 * results/NNNNNN.bin files. For tests of the files link and transfers without Swift.
 */
import { WebSocket } from 'ws';
import { resultFrameFile } from '../../src/device/files/files-plan.js';
import { startSimDevice } from '../../src/sim/device-server.js';

export interface SimResults {
  lines: string[];
  files: Map<string, Uint8Array>;
}

/** `plan`: the lines of plan.ndjson; `file(path)`: the bytes of a plan's "@path" frame. */
export async function runPlanOnSim(plan: string[], file: (path: string) => Uint8Array | undefined, token: string, seed = 7): Promise<SimResults> {
  const server = await startSimDevice({ port: 0, token, profile: 'iphone16-ios18', seed, chunkFrames: 9600 });
  const ws = new WebSocket(server.url);
  const out: SimResults = { lines: [], files: new Map() };
  const waiting = new Set<number>();
  let helloPending = false;
  await new Promise((r) => ws.once('open', r));
  const done = new Promise<void>((resolve) => {
    const check = () => waiting.size === 0 && !helloPending && resolve();
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        const name = resultFrameFile(out.files.size + 1);
        out.files.set(name, new Uint8Array(data));
        out.lines.push(`@${name}`);
        return;
      }
      const text = data.toString();
      out.lines.push(text);
      const m = JSON.parse(text) as { type: string; inReplyTo?: number | null };
      if (m.type === 'ready') helloPending = false;
      if (typeof m.inReplyTo === 'number') waiting.delete(m.inReplyTo);
      check();
    });
    ws.on('close', () => resolve());
  });
  for (const line of plan) {
    if (line.startsWith('@')) {
      const data = file(line.slice(1));
      if (!data) throw new Error(`the plan names ${line}, which is not in the folder`);
      ws.send(data);
      continue;
    }
    const m = JSON.parse(line) as { type: string; id: number };
    if (m.type === 'hello') helloPending = true;
    else waiting.add(m.id);
    ws.send(line);
  }
  await done;
  ws.close();
  await server.close();
  return out;
}
