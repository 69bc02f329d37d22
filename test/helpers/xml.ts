/**
 * A strict little XML 1.0 reader for tests: elements, attributes, text, comments, the
 * declaration and character/entity references. It rejects what a real parser rejects in
 * documents like junit.xml (mismatched or unclosed tags, duplicate or unquoted attributes,
 * a raw "<" or a stray "&", control characters, two roots) and returns the element tree.
 * No DTDs, namespaces or CDATA: our writers never produce them.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
// eslint-disable-next-line no-control-regex
const BAD_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decode(s: string, at: number): string {
  if (s.includes('<')) throw new Error(`raw "<" in text or attribute near offset ${at}`);
  return s.replace(/&([^;]*);?/g, (m, ref: string) => {
    if (!m.endsWith(';')) throw new Error(`unterminated reference "${m}" near offset ${at}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ref in named) return named[ref]!;
    const num = /^#(\d+)$/.exec(ref) ?? /^#x([0-9a-fA-F]+)$/.exec(ref);
    if (num) {
      const cp = parseInt(num[1]!, ref[1] === 'x' ? 16 : 10);
      const ch = String.fromCodePoint(cp);
      if (BAD_CHAR.test(ch) || cp === 0) throw new Error(`reference to an illegal character ${m}`);
      return ch;
    }
    throw new Error(`unknown entity ${m} near offset ${at}`);
  });
}

export function parseXml(doc: string): XmlElement {
  if (BAD_CHAR.test(doc)) throw new Error('document contains a character XML 1.0 forbids');
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const skipWs = () => {
    while (i < doc.length && /\s/.test(doc[i]!)) i++;
  };
  if (doc.startsWith('<?xml')) {
    const end = doc.indexOf('?>');
    if (end < 0) throw new Error('unterminated XML declaration');
    i = end + 2;
  }
  while (i < doc.length) {
    const lt = doc.indexOf('<', i);
    const text = lt < 0 ? doc.slice(i) : doc.slice(i, lt);
    if (stack.length === 0) {
      if (text.trim() !== '') throw new Error(`text outside the root element at offset ${i}`);
    } else stack[stack.length - 1]!.text += decode(text, i);
    if (lt < 0) break;
    i = lt;
    if (doc.startsWith('<!--', i)) {
      const end = doc.indexOf('-->', i + 4);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
      continue;
    }
    if (doc.startsWith('</', i)) {
      const m = NAME.exec(doc.slice(i + 2));
      if (!m) throw new Error(`bad end tag at offset ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[0]) throw new Error(`end tag </${m[0]}> does not close <${open?.name ?? '(none)'}> at offset ${i}`);
      i += 2 + m[0].length;
      skipWs();
      if (doc[i] !== '>') throw new Error(`bad end tag </${m[0]}> at offset ${i}`);
      i++;
      continue;
    }
    if (doc.startsWith('<!', i) || doc.startsWith('<?', i)) throw new Error(`unsupported markup at offset ${i}`);
    const m = NAME.exec(doc.slice(i + 1));
    if (!m) throw new Error(`bad start tag at offset ${i}`);
    const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
    i += 1 + m[0].length;
    for (;;) {
      const before = i;
      skipWs();
      if (doc.startsWith('/>', i) || doc[i] === '>') break;
      if (i === before) throw new Error(`attributes of <${el.name}> need white space between them at offset ${i}`);
      const a = NAME.exec(doc.slice(i));
      if (!a) throw new Error(`bad attribute in <${el.name}> at offset ${i}`);
      i += a[0].length;
      skipWs();
      if (doc[i] !== '=') throw new Error(`attribute ${a[0]} of <${el.name}> has no value`);
      i++;
      skipWs();
      const q = doc[i];
      if (q !== '"' && q !== "'") throw new Error(`attribute ${a[0]} of <${el.name}> is not quoted`);
      const end = doc.indexOf(q, i + 1);
      if (end < 0) throw new Error(`unterminated attribute ${a[0]}`);
      if (a[0] in el.attrs) throw new Error(`duplicate attribute ${a[0]} in <${el.name}>`);
      el.attrs[a[0]] = decode(doc.slice(i + 1, end), i);
      i = end + 1;
    }
    const selfClosing = doc.startsWith('/>', i);
    i += selfClosing ? 2 : 1;
    if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
    else if (root) throw new Error('more than one root element');
    else root = el;
    if (!selfClosing) stack.push(el);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}
