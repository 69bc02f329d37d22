/** `voiceaec doctor` and `voiceaec devices` on this machine, as a user runs them. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../bin/voiceaec.js', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', USBMUXD_SOCKET_ADDRESS: '/nonexistent/usbmuxd' } });

describe('doctor and devices', () => {
  it('doctor names what is missing for real iPhones here, each with a fix, and exits by severity', () => {
    const r = run('doctor', '--json');
    const out = JSON.parse(r.stdout) as { checks: Array<{ id: string; level: string; fix: string | null }>; exitCode: number };
    expect(r.status).toBe(out.exitCode);
    const failing = out.checks.filter((c) => c.level === 'fail');
    if (process.platform !== 'darwin') expect(failing.map((c) => c.id)).toContain('macos');
    expect(r.status).toBe(failing.length > 0 ? 3 : 0);
    for (const c of out.checks.filter((x) => x.level !== 'ok')) expect(c.fix).toBeTruthy();
    expect(out.checks.find((c) => c.id === 'virtual-iphone')!.level).toBe('ok');
  });

  it('devices lists the virtual iPhone and says why no USB phone can be listed', () => {
    const r = run('devices', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { devices: Array<{ kind: string; id: string; simulated: boolean }>; unavailable: string[] };
    expect(out.devices.filter((d) => d.kind === 'sim').map((d) => d.id)).toEqual(['iphone15-ios17', 'iphone16-ios18']);
    expect(out.devices.every((d) => d.kind !== 'sim' || d.simulated)).toBe(true);
    expect(out.unavailable).toEqual([expect.stringMatching(/^USB phones: no usbmuxd at \/nonexistent\/usbmuxd/)]);
    const text = run('devices');
    expect(text.stdout).toMatch(/virtual \(simulated\)\s+iphone16-ios18/);
  });
});
