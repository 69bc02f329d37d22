/**
 * The watchdog between the CLI and the Appium server `--appium-start` runs (docs/appium.md § A
 * server started by the CLI): a small Node process, run as `node -e WATCHDOG_SCRIPT -- SPEC`,
 * that starts the server in a process group of its own and holds a pipe from the CLI on its
 * stdin. When that pipe closes — the CLI stopped it, exited, or was killed, SIGKILL included,
 * since the kernel closes a dead process's pipes — it ends the server's whole group (SIGTERM,
 * SIGKILL after a grace), removes a private APPIUM_HOME and exits. A signal to the
 * watchdog itself does the same. The server's output goes to the watchdog's, i.e. the CLI's
 * pipes; the first line the watchdog writes names the server's pid.
 *
 * Plain JavaScript in a string, so it runs the same from dist/ and from the sources under the
 * tests, without a build step or a loader.
 */

export interface WatchdogSpec {
  /** The server's command: the Node binary, its entry script and arguments. */
  command: string;
  args: string[];
  cwd: string;
  /** Between SIGTERM and SIGKILL to the server's group. */
  killAfterMs: number;
  /** A private APPIUM_HOME to remove once the server is gone; null for the user's own. */
  removeDir: string | null;
}

/** The line the watchdog writes first: `voiceaec-watchdog: server pid <pid>`. */
export const WATCHDOG_PID_LINE = /^voiceaec-watchdog: server pid (\d+)$/m;

export const WATCHDOG_SCRIPT = String.raw`
'use strict';
const { spawn } = require('node:child_process');
const { rmSync } = require('node:fs');
const spec = JSON.parse(process.argv[process.argv.length - 1]);
// detached: the server leads a process group of its own, so everything it starts ends with it.
const server = spawn(spec.command, spec.args, { cwd: spec.cwd, env: process.env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
let ending = false;
const alive = () => server.exitCode === null && server.signalCode === null;
const group = (sig) => {
  try {
    process.kill(-server.pid, sig);
  } catch {
    // the group is gone already
  }
};
const finish = (code) => {
  if (spec.removeDir) {
    try {
      rmSync(spec.removeDir, { recursive: true, force: true });
    } catch {
      // best effort: the CLI removes it too when it can
    }
  }
  // Nothing left to wait for once stdin is let go: the watchdog ends with this code.
  process.exitCode = code;
  process.stdin.destroy();
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.removeAllListeners(sig);
};
function end() {
  if (ending) return;
  ending = true;
  if (!alive()) return finish(0);
  group('SIGTERM');
  setTimeout(() => group('SIGKILL'), spec.killAfterMs).unref();
}
server.on('error', (e) => {
  process.stderr.write('voiceaec-watchdog: cannot start the server: ' + e.message + '\n');
  finish(127);
});
server.on('exit', (code, signal) => {
  // The leader is gone; what it started may not be.
  group('SIGKILL');
  finish(ending ? 0 : code === null ? 128 + (signal === 'SIGKILL' ? 9 : 15) : code);
});
if (server.pid !== undefined) {
  try {
    process.stdout.write('voiceaec-watchdog: server pid ' + server.pid + '\n');
  } catch {
    // no one reads: the stdin end below follows
  }
}
// EOF or an error on stdin: the CLI is gone, or it asks the server to stop.
process.stdin.on('end', end);
process.stdin.on('error', end);
process.stdin.on('close', end);
process.stdin.resume();
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, end);
// The CLI's pipes may close under a write: that must not end the watchdog before it has stopped the server.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
`;
