/** What `voiceaec run` prints while it runs: one rewritten line on a terminal, one line per trial in logs. */
import chalk from 'chalk';
import { deviceClassOf, deviceLabel } from '../core/device-class.js';
import type { RunProgress } from '../scenario/runner.js';
import { plain, printWarning } from './output.js';

/** `prefix` names the device when several run at once (their lines interleave). */
export function progressPrinter(quiet: boolean, prefix = ''): (p: RunProgress) => void {
  let live = false;
  const clear = () => {
    if (live) process.stderr.write('\r\u001b[2K');
    live = false;
  };
  return (p) => {
    switch (p.type) {
      case 'connected':
        clear();
        process.stderr.write(
          `${prefix}device: ${deviceClassOf(p.device) === 'iphone' ? plain(deviceLabel(p.device)) : chalk.yellow(plain(deviceLabel(p.device)))}\n`,
        );
        return;
      case 'cell':
        clear();
        process.stderr.write(
          `${prefix}cell ${p.index + 1}/${p.cells} ${chalk.bold(p.cell.id)}${p.cell.mismatches.length ? chalk.yellow(`  (not honoured: ${plain(p.cell.mismatches.join(', '))})`) : ''}\n`,
        );
        return;
      case 'trial': {
        const eta = p.done > 0 ? ((p.elapsedMs / p.done) * (p.total - p.done)) / 1000 : 0;
        const what = p.trial.calibration ? 'calibration' : `trial ${p.trial.index}`;
        const status = p.trial.status === 'ok' ? chalk.green('ok') : chalk.red(`failed (${plain(p.trial.reason ?? '')})`);
        // Open sequential cells count at their maximum: the total and the ETA are upper bounds, and say so.
        const atMost = p.totalIsMax ? '≤' : '';
        const line = `${prefix}  ${p.cell.id} ${what}: ${status}  [${p.done}/${atMost}${p.total}, ETA ${atMost}${eta.toFixed(0)} s]`;
        if (quiet || p.trial.status !== 'ok') {
          clear();
          process.stderr.write(`${line}\n`);
        } else {
          const width = process.stderr.columns ?? 80;
          process.stderr.write(`\r\u001b[2K${line.slice(0, width - 1)}`);
          live = true;
        }
        return;
      }
      case 'warning':
        clear();
        if (p.message) printWarning(`${prefix}${p.message}`);
        return;
    }
  };
}

/**
 * The evaluation after the last trial: running the VAD over every trial's mic is its one slow
 * step (≈ ⅓ s per trial here), so it says so at once; on a terminal a counter follows.
 */
export function vadProgressPrinter(quiet: boolean, prefix = ''): { onVadProgress: (p: { done: number; total: number }) => void; end: () => void } {
  let live = false;
  return {
    onVadProgress: ({ done, total }) => {
      if (done === 1) process.stderr.write(`${prefix}turn verdicts: running the VAD over up to ${total} trial${total === 1 ? '' : 's'}\n`);
      if (quiet) return;
      process.stderr.write(`\r\u001b[2K${prefix}  VAD ${done}/${total}`);
      live = true;
    },
    end: () => {
      if (live) process.stderr.write('\r\u001b[2K');
      live = false;
    },
  };
}
