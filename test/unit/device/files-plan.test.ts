/** files mode's plan and results files: strict parsing of what the device left, paths kept inside the folder. */
import { describe, expect, it } from 'vitest';
import { parseResults, planText, resultFrameFile } from '../../../src/device/files/files-plan.js';
import { checkRelativePath, FILES_LIMITS } from '../../../src/device/files/files-transfer.js';

const enc = (s: string) => new TextEncoder().encode(s);
const READY =
  '{"capabilities":{"engines":["avaudioengine"],"gates":["none"],"groundTruth":false,"maxFrameBytes":1048576,"modes":["voiceChat"],"routes":["speaker"]},"device":{"appVersion":"0.1.0","class":"loopback","model":"LoopbackEngine","name":"voiceaec-harness","osVersion":"Linux","simulated":true},"id":1,"type":"ready","version":1}';
const DONE = '{"errors":[],"id":2,"inReplyTo":5,"ok":true,"type":"teardownDone","version":1}';

describe('files plan and results', () => {
  it('writes one frame per line, binary frames as @path', () => {
    expect(planText([{ text: '{"a":1}' }, { file: 'plan/000001.bin' }])).toBe('{"a":1}\n@plan/000001.bin\n');
    expect(() => planText([{ file: '../x.bin' }])).toThrow(expect.objectContaining({ code: 'E_FILES_PATH' }));
  });

  it('keeps paths inside the exchange folder', () => {
    for (const ok of ['plan.ndjson', 'results/000001.bin', 'voiceaec-files']) expect(checkRelativePath(ok)).toBe(ok);
    for (const bad of ['', '/etc/passwd', '../x', 'a/../../b', 'a//b', './a', 'a\\b', 'a/.', 'x'.repeat(300)])
      expect(() => checkRelativePath(bad), bad).toThrow(expect.objectContaining({ code: 'E_FILES_PATH' }));
  });

  it('reads messages and frame files in the order the device sent them', () => {
    const r = parseResults(enc(`${READY}\n@results/000001.bin\n@results/000002.bin\n${DONE}\n`));
    expect(r.map((x) => ('message' in x ? x.message.type : x.file))).toEqual(['ready', resultFrameFile(1), resultFrameFile(2), 'teardownDone']);
    expect(r.map((x) => x.line)).toEqual([1, 2, 3, 4]);
    // An empty session (the harness wrote only the final newline).
    expect(parseResults(enc('\n'))).toEqual([]);
  });

  it('refuses hostile or damaged results with the line and the reason', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['cut off', `${READY}\n${DONE.slice(0, 30)}`, /last line is cut off/],
      ['truncated JSON', `${READY}\n${DONE.slice(0, 30)}\n`, /line 2: E_PROTO_MALFORMED/],
      ['outside', `${READY}\n@../../etc/passwd\n`, /line 2 names "\.\.\/\.\.\/etc\/passwd", expected results\/000001\.bin/],
      ['absolute', `@/etc/passwd\n`, /expected results\/000001\.bin/],
      ['out of sequence', `@results/000002.bin\n`, /expected results\/000001\.bin/],
      ['a CLI message', `{"client":{"name":"x","version":"1"},"id":1,"token":"0123456789abcdef","type":"hello","version":1}\n`, /E_PROTO_UNEXPECTED/],
      ['unknown type', `{"id":1,"type":"launchMissiles","version":1}\n`, /E_PROTO_UNKNOWN_TYPE/],
      ['not UTF-8', '\u0000', /not UTF-8/],
    ];
    for (const [what, text, reason] of cases) {
      const bytes = what === 'not UTF-8' ? Uint8Array.from([0xff, 0xfe, 0x0a]) : enc(text);
      expect(() => parseResults(bytes), what).toThrow(expect.objectContaining({ code: 'E_FILES_RESULTS', message: expect.stringMatching(reason) as unknown }));
    }
  });

  it('bounds the size and the number of lines', () => {
    expect(() => parseResults(new Uint8Array(FILES_LIMITS.maxResultsBytes + 1))).toThrow(expect.objectContaining({ code: 'E_FILES_RESULTS' }));
    expect(() => parseResults(enc('\n'.repeat(FILES_LIMITS.maxResultLines + 2)))).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/lines, more than/) as unknown }),
    );
  });
});
