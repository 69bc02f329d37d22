import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandsFor } from '../../../src/cli/command-modules.js';

describe('command modules loaded on demand', () => {
  it('each entry registers exactly the command it is named after', async () => {
    for (const [name, load] of Object.entries(COMMANDS)) {
      const program = new Command();
      (await load())(program);
      expect(program.commands.map((c) => c.name())).toEqual([name]);
    }
  });

  it('a command line naming a command loads only that command', async () => {
    const [only] = await commandsFor(['node', 'voiceaec', 'scenarios', 'list']);
    expect(await commandsFor(['node', 'voiceaec', 'scenarios', 'list'])).toHaveLength(1);
    expect(only).toBe(await COMMANDS.scenarios!());
  });

  it('help, a global option first, a typo or a prototype key load every command', async () => {
    const all = Object.keys(COMMANDS).length;
    for (const first of [undefined, '--help', '--debug', 'rnu', 'help', 'toString', '__proto__']) {
      const argv = ['node', 'voiceaec', ...(first === undefined ? [] : [first])];
      expect(await commandsFor(argv), String(first)).toHaveLength(all);
    }
  });
});
