/** Processes in tests: is one alive, and waiting (bounded, never timed) for something to become true. */
import { readFileSync } from 'node:fs';

/** Alive: in the process table and not a zombie waiting for a reaper (Linux /proc). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Polls `check` every 100 ms until it holds or `ms` passed; returns whether it held. The
 * ceiling is generous on purpose: it ends a hang, it does not measure speed.
 */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 60_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true;
  return check();
}

/** The process is gone (eventually, within `ms`). */
export const gone = (pid: number, ms = 60_000) => eventually(() => !alive(pid), ms);
