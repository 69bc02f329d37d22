/** `voiceaec sim-device`: the virtual iPhone as its own process, listening or dialling in. */
import { randomBytes } from 'node:crypto';
import { type Command, Option } from 'commander';
import { didYouMean } from '../../core/did-you-mean.js';
import { usageError } from '../../core/errors.js';
import { DEVICE_PROFILES, deviceProfile } from '../../sim/device-profiles.js';
import { dialAsSimDevice, startSimDevice } from '../../sim/device-server.js';
import { intArg, runToken } from '../option-parsers.js';

interface Flags {
  port: number;
  token?: string;
  profile: string;
  seed: number;
  dial?: string;
}

export function registerSimDevice(program: Command): void {
  program
    .command('sim-device')
    .description('serve the virtual iPhone (protocol v1) on 127.0.0.1, or dial a CLI in lan mode; runs until killed')
    .addOption(new Option('--port <n>', 'port to listen on (0: a free one)').default(8765).argParser(intArg('--port', 0, 65_535)))
    .option('--token <token>', 'run token clients must present (default: a random one, printed)')
    .option('--profile <id>', 'device profile at launch', 'iphone16-ios18')
    .addOption(new Option('--seed <n>', 'seed of the simulation').default(1).argParser(intArg('--seed', 0, 2 ** 32 - 1)))
    .option('--dial <ws-url>', 'lan mode: connect to a CLI listening at this URL instead of listening')
    .action(async (flags: Flags) => {
      const token = runToken(flags.token, undefined, 'give 16 to 128 characters, or leave --token out for a random one') ?? randomBytes(16).toString('hex');
      // Checked at launch: an unknown profile would otherwise fail only when a client connects.
      if (!deviceProfile(flags.profile)) {
        const known = Object.keys(DEVICE_PROFILES);
        throw usageError('E_SIM_UNKNOWN_PROFILE', `--profile "${flags.profile}" is not a virtual iPhone profile`, {
          hint: `${didYouMean(flags.profile, known)}choose one of: ${known.join(', ')} (docs/virtual-iphone.md § Device profiles)`,
        });
      }
      if (flags.dial) {
        const peer = await dialAsSimDevice(flags.dial, token, { profile: flags.profile, seed: flags.seed });
        process.stderr.write(`virtual iPhone connected to ${flags.dial}\n`);
        await new Promise<void>((done) => peer.on('close', () => done()));
        return;
      }
      const server = await startSimDevice({ port: flags.port, token, profile: flags.profile, seed: flags.seed });
      // One line a script can parse: where to connect and with which token.
      process.stdout.write(`${JSON.stringify({ url: server.url, token })}\n`);
      await new Promise<void>((done) => {
        const stop = () => void server.close().then(done);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
