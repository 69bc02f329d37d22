/** Where each command's code lives; main.ts loads only what a command line needs. */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

/**
 * Each command's module, loaded on demand: a command loads only its own code (and its
 * dependencies), so `voiceaec scenarios list` or a usage error does not pay for the
 * simulator, the VAD and the report writer. Order is the order in `--help`.
 */
export const COMMANDS: Record<string, () => Promise<RegisterCommand>> = {
  run: async () => (await import('./commands/run.js')).registerRun,
  analyze: async () => (await import('./commands/analyze.js')).registerAnalyze,
  sim: async () => (await import('./commands/sim.js')).registerSim,
  'compare-gate': async () => (await import('./commands/compare-gate.js')).registerCompareGate,
  fixtures: async () => (await import('./commands/fixtures.js')).registerFixtures,
  report: async () => (await import('./commands/report.js')).registerReport,
  scenarios: async () => (await import('./commands/scenarios.js')).registerScenarios,
  'sim-device': async () => (await import('./commands/sim-device.js')).registerSimDevice,
  devices: async () => (await import('./commands/devices.js')).registerDevices,
  doctor: async () => (await import('./commands/doctor.js')).registerDoctor,
};

/**
 * The commands a command line needs: only the one it names when its first word is a
 * command; every command otherwise (help, --version, a typo that wants "did you mean").
 */
export async function commandsFor(argv: readonly string[]): Promise<RegisterCommand[]> {
  const first = argv[2];
  const named = first !== undefined && Object.hasOwn(COMMANDS, first) ? [COMMANDS[first]!] : Object.values(COMMANDS);
  return Promise.all(named.map((load) => load()));
}
