/**
 * scripts/swift.sh from the tests: run it, and provision the toolchain once per file, where
 * "Swift cannot be had here" is a loud skip on a developer machine and a failure in CI.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SWIFT_SH = fileURLToPath(new URL('../../scripts/swift.sh', import.meta.url));
/** swift.sh's exit code for "Swift cannot be had on this machine". */
const UNAVAILABLE = 4;
/** A first provisioning (debootstrap of the chroot) takes minutes. */
export const PROVISION_MS = 30 * 60_000;

export function swiftSh(args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [SWIFT_SH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), output });
    });
  });
}

/**
 * Provisions Swift; returns why it is unavailable (after a loud warning naming `what` is not
 * checked), or null when it is there. Throws when it is unavailable in CI or provisioning fails.
 */
export async function provisionSwift(what: string): Promise<string | null> {
  const p = await swiftSh(['--provision'], PROVISION_MS);
  if (p.code === UNAVAILABLE) {
    const why = p.output.trim();
    if (process.env.CI === 'true') throw new Error(`Swift is required in CI but unavailable: ${why}`);
    console.warn(`\n!!! SKIPPING: ${why}\n!!! ${what} is not checked on this machine.\n`);
    return why;
  }
  if (p.code !== 0) throw new Error(`scripts/swift.sh --provision failed (exit ${p.code}):\n${p.output.slice(-4000)}`);
  return null;
}
