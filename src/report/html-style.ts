/** The page's stylesheet and content security policy: nothing is fetched, only inline code runs. */

export const CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "media-src data: file: 'self'",
  "connect-src 'none'",
  "font-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export const CSS = `
:root{--fg:#1b1f24;--muted:#5b6470;--line:#d8dee4;--bg:#fff;--card:#f6f8fa;--bad:#b3261e;--good:#137333;--warn:#8a5a00}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1180px;margin:0 auto;padding:12px 16px 48px}
h1{font-size:1.45rem;margin:.3em 0}h2{font-size:1.2rem;margin:1.6em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.2em}
h3{font-size:1.05rem;margin:1.2em 0 .4em}
.badge{display:inline-block;padding:.1em .6em;border-radius:4px;font-weight:700;color:#fff;vertical-align:middle}
.pass{background:var(--good)}.fail{background:var(--bad)}.inconclusive{background:var(--warn)}
.sim{background:#ffe8a3;border:2px solid #c58a00;color:#5c3d00;font-weight:700;padding:.6em .8em;border-radius:6px;margin:.5em 0;font-size:1.05rem}
.device{background:var(--card);border:1px solid var(--line);padding:.5em .8em;border-radius:6px;margin:.5em 0}
.muted{color:var(--muted)}.small{font-size:.85rem}
/* A table wider than its box scrolls inside it; a shadow at the edge says there is more. */
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.4em 0;background:linear-gradient(90deg,#fff 30%,rgba(255,255,255,0)) left/24px 100% no-repeat local,linear-gradient(270deg,#fff 30%,rgba(255,255,255,0)) right/24px 100% no-repeat local,radial-gradient(farthest-side at 0 50%,rgba(0,0,0,.2),transparent) left/10px 100% no-repeat scroll,radial-gradient(farthest-side at 100% 50%,rgba(0,0,0,.2),transparent) right/10px 100% no-repeat scroll}
table{border-collapse:collapse;font-size:.9rem;min-width:100%}
th,td{border-bottom:1px solid var(--line);padding:.3em .5em;text-align:left;vertical-align:top;white-space:nowrap}
td.wrap,th.wrap{white-space:normal;min-width:14em}
tr.recrow td{font-weight:700;background:#eef7f0}
.sweep>summary{cursor:pointer;color:var(--muted);font-size:.9rem}
td.cellname{white-space:normal;min-width:10em;max-width:18em;overflow-wrap:break-word}
td.recgate{white-space:normal;min-width:8em;max-width:11em}.nw{white-space:nowrap}
table.stack th{white-space:normal;vertical-align:bottom}
th{background:var(--card);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.differs td{background:#fff4e5}
.ok{color:var(--good);font-weight:600}.no{color:var(--bad);font-weight:600}.na{color:var(--muted)}
.answer{font-size:1.05rem}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin:14px 0;background:#fff}
.rec{font-size:1.05rem;margin:.3em 0}
.plot{width:100%;min-height:60px;margin:.4em 0}
.grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:12px}
@media (max-width:760px){.grid{grid-template-columns:minmax(0,1fr)}main{padding:8px 10px 40px}body{font-size:14px}}
/* On a phone the answer and acceptance tables stack: one block per row, each value under its column's name. */
@media (max-width:640px){table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;min-width:0;max-width:none;width:100%}
table.stack thead{display:none}table.stack tr{border-bottom:2px solid var(--line);padding:.3em 0}
table.stack td{display:flow-root;border:0;white-space:normal;overflow-wrap:anywhere;text-align:left;padding:.15em .5em .15em 9.5em}
table.stack td::before{content:attr(data-label);float:left;margin-left:-9em;width:8.5em;color:var(--muted);font-size:.85rem;font-weight:400;white-space:normal}}
.heat td{text-align:center;min-width:6em}
.bar{display:inline-block;height:.7em;background:#4a78c2;border-radius:2px;vertical-align:middle;margin-right:.4em}
button.t{font:inherit;border:1px solid var(--line);background:var(--card);border-radius:4px;padding:0 .4em;cursor:pointer}
tr.detail>td{background:#fbfcfd;white-space:normal}
/* A trial's plot and players stay on screen while its wide table scrolls sideways (phones). */
tr.detail>td>*{position:sticky;left:.5em;max-width:calc(100vw - 56px)}
audio{width:260px;max-width:100%;height:34px}
.audio label{display:inline-flex;flex-wrap:wrap;align-items:center;gap:.4em;margin:.2em 1em .2em 0}
.u-legend{font-size:12px}.u-legend th{font-weight:500}
.mk{position:absolute;font:11px/14px system-ui,sans-serif;white-space:nowrap;padding:0 3px;background:rgba(255,255,255,.88);border-radius:2px;pointer-events:none}
footer{margin-top:3em;color:var(--muted);font-size:.85rem}
`;
