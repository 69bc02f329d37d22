/**
 * Link checks for the project's Markdown (used by test/unit/docs-links.test.ts):
 * relative links must reach an existing file inside the repository, `#anchor`s must
 * name a heading of their target (GitHub's heading slugs), and `docs/….md` paths
 * mentioned anywhere (comments included) must exist.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

export interface LinkProblem {
  /** File holding the link, relative to the root. */
  file: string;
  line: number;
  target: string;
  reason: string;
}

export interface LinkReport {
  /** Links (or path mentions) checked. */
  checked: number;
  problems: LinkProblem[];
}

/** Lines outside fenced code blocks (``` or ~~~), with their 1-based numbers. */
function proseLines(markdown: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let fence: string | null = null;
  markdown.split('\n').forEach((text, i) => {
    const m = /^\s{0,3}(`{3,}|~{3,})/.exec(text);
    if (m) {
      if (fence === null) fence = m[1]![0]!;
      else if (m[1]![0] === fence) fence = null;
      return;
    }
    if (fence === null) out.push({ text, line: i + 1 });
  });
  return out;
}

/** The heading text as GitHub renders it: no code ticks, emphasis, link syntax or HTML. */
function renderedHeading(raw: string): string {
  return raw
    .replace(/<[^>]+>/g, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/(\*\*|__|\*)/g, '')
    .trim();
}

/** GitHub's heading slug (github-slugger): lower case, punctuation dropped, spaces → "-". */
export function slug(heading: string): string {
  return renderedHeading(heading)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Anchors of every heading (ATX, `#`…`######`), duplicates numbered -1, -2… as on GitHub. */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text } of proseLines(markdown)) {
    const m = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Link targets of inline links, images and reference definitions, outside code. */
export function markdownLinks(markdown: string): { target: string; line: number }[] {
  const links: { target: string; line: number }[] = [];
  for (const { text, line } of proseLines(markdown)) {
    const prose = text.replace(/(`+)[^`]*?\1/g, '');
    for (const m of prose.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) {
      links.push({ target: m[1]!.replace(/^<|>$/g, ''), line });
    }
    const def = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(prose);
    if (def) links.push({ target: def[1]!.replace(/^<|>$/g, ''), line });
  }
  return links;
}

const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Every relative link of `files` (Markdown, absolute paths) must resolve to a file or
 * folder inside `root`, and its `#anchor`, when the target is Markdown, to a heading.
 * External links (a scheme such as https:) are not fetched.
 */
export function checkMarkdownLinks(files: string[], root: string): LinkReport {
  const problems: LinkProblem[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (path: string) => {
    let a = anchorCache.get(path);
    if (!a) anchorCache.set(path, (a = headingAnchors(readFileSync(path, 'utf8'))));
    return a;
  };
  let checked = 0;
  for (const file of files) {
    const rel = relative(root, file);
    for (const { target, line } of markdownLinks(readFileSync(file, 'utf8'))) {
      if (EXTERNAL.test(target)) continue;
      checked++;
      const problem = (reason: string) => problems.push({ file: rel, line, target, reason });
      const hashAt = target.indexOf('#');
      const pathPart = decodeURIComponent(hashAt < 0 ? target : target.slice(0, hashAt));
      const anchor = hashAt < 0 ? null : decodeURIComponent(target.slice(hashAt + 1));
      if (isAbsolute(pathPart)) {
        problem('absolute path: links must be relative to the file');
        continue;
      }
      const resolved = pathPart === '' ? file : resolve(dirname(file), pathPart);
      const inside = relative(root, resolved);
      if (inside.startsWith('..') || isAbsolute(inside)) {
        problem('points outside the repository');
        continue;
      }
      if (!existsSync(resolved)) {
        problem(`no such file: ${inside}`);
        continue;
      }
      if (anchor !== null && anchor !== '' && resolved.endsWith('.md') && statSync(resolved).isFile() && !anchorsOf(resolved).has(anchor)) {
        problem(`no heading #${anchor} in ${inside}`);
      }
    }
  }
  return { checked, problems };
}

/** `docs/<name>.md` as the docs are cited in comments and prose (not a path ending in it, such as a/docs/x.md). */
const DOC_MENTION = /(?<![\w./-])docs\/[a-z0-9-]*\.md/g;

/** Every `docs/….md` path mentioned in `files` (any text file) must exist under `root`. */
export function checkDocMentions(files: string[], root: string): LinkReport {
  const problems: LinkProblem[] = [];
  let checked = 0;
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      for (const m of text.matchAll(DOC_MENTION)) {
        checked++;
        if (!existsSync(join(root, m[0]))) problems.push({ file: relative(root, file), line: i + 1, target: m[0], reason: 'no such doc' });
      }
    });
  }
  return { checked, problems };
}
