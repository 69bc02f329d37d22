/**
 * The docs are self-contained and their links resolve: every relative link (and heading
 * anchor) in README.md and docs/, and every `docs/….md` cited in src/, test/, bench/ and
 * scripts/ (comments included), reaches a file of this repository.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDocMentions, checkMarkdownLinks, headingAnchors, markdownLinks, slug } from '../helpers/markdown-links.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function walk(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p, keep) : keep(p) ? [p] : [];
  });
}

const markdown = [join(ROOT, 'README.md'), ...walk(join(ROOT, 'docs'), (p) => p.endsWith('.md'))];
const CODE = /\.(ts|js|mjs|cjs|sh|py|md)$/;
const code = ['src', 'test', 'bench', 'scripts'].flatMap((d) => walk(join(ROOT, d), (p) => CODE.test(p)));

describe('docs links', () => {
  it('finds the docs', () => {
    expect(markdown.length).toBeGreaterThan(5);
    expect(code.length).toBeGreaterThan(50);
  });

  it('every relative link and anchor in README.md and docs/ resolves inside the repository', () => {
    const r = checkMarkdownLinks(markdown, ROOT);
    expect(r.checked).toBeGreaterThan(10);
    expect(r.problems).toEqual([]);
  });

  it('every docs/….md cited in README.md, docs/, src/, test/, bench/ and scripts/ exists', () => {
    const r = checkDocMentions([...markdown, ...code], ROOT);
    expect(r.checked).toBeGreaterThan(10);
    expect(r.problems).toEqual([]);
  });
});

describe('the link checker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceaec-links-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('computes GitHub heading slugs', () => {
    expect(slug('Reports and `voiceaec compare-gate`')).toBe('reports-and-voiceaec-compare-gate');
    expect(slug('`results.json` — `voiceaec.results/1`')).toBe('resultsjson--voiceaecresults1');
    expect(slug('hello (CLI → device)')).toBe('hello-cli--device');
    expect(slug('Target: −18 LUFS integrated, −1 dBTP')).toBe('target-18-lufs-integrated-1-dbtp');
    expect([...headingAnchors('# A\n## Notes\n```\n# not a heading\n```\n## Notes\n')]).toEqual(['a', 'notes', 'notes-1']);
  });

  it('reads inline links, images and reference definitions, not code', () => {
    const md = 'See [a](a.md) and ![b](img/b.png "t").\n`[c](c.md)`\n```\n[d](d.md)\n```\n[e]: <e file.md>\n[f](https://example.org)';
    expect(markdownLinks(md).map((l) => l.target)).toEqual(['a.md', 'img/b.png', 'e file.md', 'https://example.org']);
  });

  // Paths inside the temporary repository are built from D, so that this file does not
  // itself cite docs that do not exist.
  const D = 'docs';

  it('reports broken files, broken anchors and links leaving the repository; passes good ones', () => {
    mkdirSync(join(dir, D), { recursive: true });
    writeFileSync(join(dir, D, 'good.md'), '# Good\n\n## Some `code` section\n\nBack to [top](#good).\n');
    writeFileSync(
      join(dir, 'README.md'),
      [
        '# Readme',
        `[fine](${D}/good.md) [anchor](${D}/good.md#some-code-section) [self](#readme) [web](https://example.org/x.md)`,
        `[gone](${D}/gone.md)`,
        `[bad anchor](${D}/good.md#no-such-section)`,
        '[outside](../elsewhere/README.md)',
        '[self bad](#nothing)',
      ].join('\n'),
    );
    const r = checkMarkdownLinks([join(dir, 'README.md'), join(dir, D, 'good.md')], dir);
    expect(r.checked).toBe(8);
    expect(r.problems.map((p) => [p.file, p.line, p.target])).toEqual([
      ['README.md', 3, `${D}/gone.md`],
      ['README.md', 4, `${D}/good.md#no-such-section`],
      ['README.md', 5, '../elsewhere/README.md'],
      ['README.md', 6, '#nothing'],
    ]);
    expect(r.problems[2]!.reason).toMatch(/outside the repository/);
  });

  it('reports a docs/….md cited in a comment that does not exist', () => {
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'src', 'a.ts'), `/** See ${D}/good.md and ${D}/missing-doc.md. */\nexport const x = 1; // not ios/${D}/other.md\n`);
    const r = checkDocMentions([join(dir, 'src', 'a.ts')], dir);
    expect(r.checked).toBe(2);
    expect(r.problems).toEqual([{ file: join('src', 'a.ts'), line: 1, target: `${D}/missing-doc.md`, reason: 'no such doc' }]);
  });
});
