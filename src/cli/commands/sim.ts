/** `voiceaec sim …`: look inside the virtual iPhone's model. `sim rir` writes a room's impulse response. */
import { type Command, Option } from 'commander';
import { usageError } from '../../core/errors.js';
import { octaveBandReverb } from '../../dsp/schroeder.js';
import { writeWavFile } from '../../io/wav.js';
import { roomResponse, type RoomPath } from '../../sim/room.js';
import { ROOM_PRESETS, roomPreset } from '../../sim/room-presets.js';
import { intArg } from '../option-parsers.js';

interface RirFlags {
  room: string;
  rate: number;
  seed: number;
  path: string;
  distance: string;
  out: string;
}

export function registerSim(program: Command): void {
  const sim = program.command('sim').description("the virtual iPhone's model (a simulation, never a measurement)");
  sim
    .command('rir')
    .description('write the room impulse response the virtual iPhone uses for a room preset (32-bit float WAV, 1-m free-field units)')
    .requiredOption('--room <preset>', `room preset: ${Object.keys(ROOM_PRESETS).join(', ')}`)
    .addOption(new Option('--rate <hz>', "sample rate (the trial's configured rate)").default(48_000).argParser(intArg('--rate', 8000, 96_000)))
    .addOption(new Option('--seed <n>', "the virtual iPhone's seed: the diffuse tail is drawn from it").default(1).argParser(intArg('--seed', 0, 2 ** 32 - 1)))
    .option(
      '--path <echo|talker>',
      "echo: from a loudspeaker to the phone's mic, direct sound left out (the device profile adds it); talker: from the near-end talker, direct sound included",
      'echo',
    )
    .option('--distance <m>', "echo path: loudspeaker-to-mic distance (0.1 the phone's speaker, 1.0 the Bluetooth A2DP speaker)", '0.1')
    .requiredOption('--out <file>', 'WAV file to write')
    .action(async (flags: RirFlags) => {
      const preset = roomPreset(flags.room);
      if (!preset) throw usageError('E_SIM_ROOM', `no room preset "${flags.room}"`, { hint: `use one of ${Object.keys(ROOM_PRESETS).join(', ')}` });
      const { rate, seed } = flags;
      const distance = Number(flags.distance);
      if (!(distance >= 0.05 && distance <= 1.5))
        throw usageError('E_OPTION', `--distance "${flags.distance}" is not between 0.05 and 1.5 m`, {
          hint: 'the loudspeaker must stay inside the room: 0.1 for the phone, 1.0 for a Bluetooth speaker',
        });
      if (flags.path !== 'echo' && flags.path !== 'talker')
        throw usageError('E_OPTION', `--path "${flags.path}" is neither echo nor talker`, { hint: 'use --path echo or --path talker' });
      const path: RoomPath = flags.path === 'echo' ? { kind: 'echo', sourceDistanceM: distance } : { kind: 'talker' };

      const h = roomResponse(preset, rate, seed, path);
      await writeWavFile(flags.out, { sampleRate: rate, samples: h }, { encoding: 'float32' });
      let peak = 0;
      for (const v of h) peak = Math.max(peak, Math.abs(v));
      const t20 = octaveBandReverb(h, rate, { fromDb: -5, toDb: -25 })
        .map((b, i) => `${b.centreHz} Hz ${b.t60 === null ? '—' : b.t60.toFixed(2)} (target ${preset.rt60S[i]!.toFixed(2)})`)
        .join(', ');
      process.stdout.write(
        `${flags.out}: simulated ${preset.id} ${flags.path} response, ${rate} Hz, ${(h.length / rate).toFixed(2)} s, peak ${peak.toFixed(3)} (1-m free-field units), seed ${seed}\n` +
          `T20 (s) by octave band: ${t20}\n`,
      );
    });
}
