/**
 * One example per command, shown at the end of its --help: the shortest line that does
 * something useful. Kept in one place so every command has one and none drifts apart.
 */
import type { Command } from 'commander';

const EXAMPLES: Record<string, string> = {
  run: 'voiceaec run --scenario quiet-room   # virtual iPhone; reports in reports/<time>-quiet-room',
  analyze: 'voiceaec analyze --ref ref.wav --mic mic.wav --events events.jsonl --gates 0,300,500',
  'sim rir': 'voiceaec sim rir --room office --out office-rir.wav',
  'compare-gate': 'voiceaec compare-gate reports/<run> --sweep 0:2000:100',
  'fixtures list': 'voiceaec fixtures list --set speech-en',
  'fixtures verify': 'voiceaec fixtures verify',
  'fixtures import': 'voiceaec fixtures import my-tts/ --set my-voice --normalize --licence CC-BY-4.0',
  report: 'voiceaec report reports/<run> --fail-on-acceptance',
  'scenarios list': 'voiceaec scenarios list --json',
  'scenarios validate': 'voiceaec scenarios validate my-scenario.yaml nightly',
  'scenarios show': 'voiceaec scenarios show nightly --json',
  'sim-device': 'voiceaec sim-device --port 8765',
  devices: 'voiceaec devices --farm saucelabs   # iOS devices behind a farm; without --farm: the virtual iPhone and USB phones',
  doctor: 'voiceaec doctor',
  fixtures: 'voiceaec fixtures list',
  scenarios: 'voiceaec scenarios list',
  sim: 'voiceaec sim rir --room office --out office-rir.wav',
};

/** The path of a command below the program: "scenarios validate". */
const pathOf = (c: Command): string => (c.parent?.parent ? `${pathOf(c.parent)} ${c.name()}` : c.name());

/** Attach each command's example (and the program's: the quick start); test/integration/cli-errors.test.ts checks them. */
export function commandExamples(program: Command): void {
  program.addHelpText('after', `\nExample:\n  ${EXAMPLES.run}\n`);
  const visit = (c: Command) => {
    for (const sub of c.commands) {
      const example = EXAMPLES[pathOf(sub)];
      if (example) sub.addHelpText('after', `\nExample:\n  ${example}\n`);
      visit(sub);
    }
  };
  visit(program);
}
