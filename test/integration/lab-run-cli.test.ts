/**
 * Several devices in one run (a device lab): two virtual iPhones with different profiles
 * run the same scenario in parallel; each gets its own run directory under devices/, the
 * lab directory gets one report with a group per device, and a lab run cut short resumes.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateRun } from '../../src/evaluation/evaluate-run.js';
import { writeLabReports } from '../../src/report-writer/write-reports.js';
import { runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-lab-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SCENARIO = join(tmp, 'lab.yaml');
writeFileSync(
  SCENARIO,
  'name: lab\nbase: { fixtures: [flite-slt-short-01] }\nmatrix: { route: [speaker, receiver] }\ntrials: { repetitions: 2, preRollMs: 300, postRollMs: 600 }\nanalysis: { gatesMs: [0, 300] }\n',
);

const json = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Record<string, any>;

describe('a lab run on two devices', () => {
  const lab = join(tmp, 'two-phones');

  it('runs both in parallel into one directory and one report, a group per device', async () => {
    const r = await runCli(['run', '--device', 'sim:iphone15-ios17', '--device', 'sim:iphone16-ios18', '--scenario', SCENARIO, '--out', lab, '--ci'], 150_000);
    expect([0, 1], r.stderr).toContain(r.code);
    expect(json(join(lab, 'lab.json'))).toMatchObject({
      schema: 'voiceaec.lab/1',
      devices: [
        { id: 'sim-iphone15-ios17', target: 'sim:iphone15-ios17' },
        { id: 'sim-iphone16-ios18', target: 'sim:iphone16-ios18' },
      ],
    });
    // Lines of both devices, each named by its device.
    expect(r.stderr).toMatch(/^\[sim-iphone15-ios17\] device: SIMULATED DEVICE — Virtual iPhone 15/m);
    expect(r.stderr).toMatch(/^\[sim-iphone16-ios18\] device: SIMULATED DEVICE — Virtual iPhone 16/m);
    const results = json(join(lab, 'results.json'));
    expect(results.runs.map((x: { id: string }) => x.id)).toEqual(['sim-iphone15-ios17', 'sim-iphone16-ios18']);
    expect(results.cells.map((c: { run: string; id: string }) => `${c.run}/${c.id}`)).toEqual([
      'sim-iphone15-ios17/speaker',
      'sim-iphone15-ios17/receiver',
      'sim-iphone16-ios18/speaker',
      'sim-iphone16-ios18/receiver',
    ]);
    const html = readFileSync(join(lab, 'report.html'), 'utf8');
    expect(html).toContain('Virtual iPhone 15 (iOS 17)');
    expect(html).toContain('Virtual iPhone 16 (iOS 18)');
    // Each device keeps its own run directory and reports.
    for (const id of ['sim-iphone15-ios17', 'sim-iphone16-ios18']) {
      const m = json(join(lab, 'devices', id, 'manifest.json'));
      expect(m.status).toBe('complete');
      expect(json(join(lab, 'devices', id, 'results.json')).runs).toHaveLength(1);
    }
  }, 180_000);

  it('links the trials’ audio into the device folders when it is not embedded', async () => {
    const runs = ['sim-iphone15-ios17', 'sim-iphone16-ios18'].map((id) => ({ id, dir: join(lab, 'devices', id) }));
    const results = await evaluateRun(
      runs.map((r) => r.dir),
      { toolVersion: 'test' },
    );
    const out = join(tmp, 'linked');
    mkdirSync(out);
    await writeLabReports(out, runs, results, { embedAudioMaxBytes: 0 });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const data = JSON.parse(/<script id="voiceaec-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]!) as {
      trials: Array<{ audio: { mic: string | null } }>;
    };
    const links = data.trials.map((t) => t.audio.mic).filter((m): m is string => m !== null);
    expect(links).toHaveLength(8); // 2 devices × 2 cells × 2 measured trials
    for (const l of links)
      expect(l).toMatch(/^\.\.\/two-phones\/devices\/sim-iphone1[56]-ios1[78]\/cells\/(speaker|receiver)\/(calibration|trial-00\d)\/mic\.wav$/);
  }, 60_000);

  it('resumes a lab run whose device was cut short', async () => {
    const dir = join(lab, 'devices', 'sim-iphone16-ios18');
    const m = json(join(dir, 'manifest.json'));
    m.status = 'running';
    m.cells[1].status = 'running';
    Object.assign(m.cells[1].trials.at(-1), { status: 'pending', reason: null });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
    const r = await runCli(['run', '--resume', lab, '--ci'], 150_000);
    expect([0, 1], r.stderr).toContain(r.code);
    expect(json(join(dir, 'manifest.json')).status).toBe('complete');
    expect(existsSync(join(lab, 'report.html'))).toBe(true);
  }, 180_000);

  it('refuses lan targets in a lab (they cannot be told apart)', async () => {
    const r = await runCli([
      'run',
      '--device',
      'lan:127.0.0.1:0',
      '--device',
      'sim',
      '--token',
      'x'.repeat(20),
      '--scenario',
      SCENARIO,
      '--out',
      join(tmp, 'lan-lab'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^E_LAB_LAN: /);
  });

  it('passes --harness to every files:<dir> device (each launches it; /bin/false gives no results)', async () => {
    const r = await runCli([
      'run',
      '--device',
      `files:${join(tmp, 'fa')}`,
      '--device',
      `files:${join(tmp, 'fb')}`,
      '--harness',
      '/bin/false',
      '--scenario',
      SCENARIO,
      '--out',
      join(tmp, 'files-lab'),
      '--ci',
    ]);
    expect(r.stderr).not.toContain('E_HARNESS_COMMAND');
    expect(r.stderr.match(/\] stopped: E_FILES_NO_RESULTS: the harness ended \(exit code 1\)/g), r.stderr).toHaveLength(2);
  });
});
