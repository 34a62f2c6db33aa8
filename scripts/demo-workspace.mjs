// Copies the demo workspace (test/fixtures/demo-workspace) to a target folder with every time moved
// so the demo is "live": the fixture's clock reads ANCHOR, which becomes now. Used by npm start and
// by the e2e screenshots, so what a new user sees and what the README shows is the same state.
//   node scripts/demo-workspace.mjs <target>
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The moment the fixture's incidents are "now" at (the P1 is 11.5 minutes old then). */
const ANCHOR = Date.parse('2026-11-20T09:50:00.000Z');
const ISO = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\b/g;

export function createDemoWorkspace(target, now = Date.now()) {
  const source = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'demo-workspace');
  fs.cpSync(source, target, { recursive: true });
  const shift = now - ANCHOR;
  const incidents = path.join(target, 'incidents');
  for (const id of fs.readdirSync(incidents).filter((d) => /^\d{4}-\d{2}-\d{2}-/.test(d))) {
    for (const file of ['incident.yaml', 'timeline.jsonl']) {
      const p = path.join(incidents, id, file);
      const text = fs.readFileSync(p, 'utf8').replace(ISO, (t) => new Date(Date.parse(t) + shift).toISOString());
      fs.writeFileSync(p, text);
    }
    // The folder is named after the (moved) day of declaration, as a real declaration would be.
    const record = path.join(incidents, id, 'incident.yaml');
    const declared = /^declaredAt: (\S+)$/m.exec(fs.readFileSync(record, 'utf8'))[1];
    const newId = `${declared.slice(0, 10)}${id.slice(10)}`;
    fs.writeFileSync(record, fs.readFileSync(record, 'utf8').replace(/^id: .*$/m, `id: ${newId}`));
    if (newId !== id) fs.renameSync(path.join(incidents, id), path.join(incidents, newId));
  }
  writeReadme(target);
}

const STATUS = { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' };
const NUMBERS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const count = (n, what) => `${NUMBERS[n] ?? n} ${what}${n === 1 ? '' : 's'}`;

/** The incidents of a workspace as their records say: active first, most severe first. */
export function readDemoIncidents(workspace) {
  const dir = path.join(workspace, 'incidents');
  return fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'incident.yaml')))
    .map((id) => parse(fs.readFileSync(path.join(dir, id, 'incident.yaml'), 'utf8')))
    .sort((a, b) => Number(a.status === 'resolved') - Number(b.status === 'resolved') || String(a.severity).localeCompare(String(b.severity)) || String(a.declaredAt).localeCompare(String(b.declaredAt)));
}

/**
 * The README's description of the demo data, written from the files (between its
 * `<!-- demo:… -->` markers) so it cannot drift from them. It states what holds whenever the demo
 * is opened (counts, severities, statuses), never an SLA state, which depends on the clock.
 */
function writeReadme(workspace) {
  const file = path.join(workspace, 'README.md');
  const incidents = readDemoIncidents(workspace);
  const runbooks = fs.readdirSync(path.join(workspace, 'runbooks')).filter((f) => /\.(md|ya?ml)$/i.test(f));
  const active = incidents.filter((i) => i.status !== 'resolved').length;
  const blocks = {
    incidents: [
      `- \`incidents/\`: ${count(incidents.length, 'incident')} (${NUMBERS[active] ?? active} active), kept the way Incident Desk keeps them, one folder`,
      '  each with an `incident.yaml` (the current state) and a `timeline.jsonl` (every event, append-only):',
      ...incidents.map((i) => `  - **${i.title}** (${i.severity}, ${STATUS[i.status] ?? i.status}${i.status === 'resolved' ? '): in the collapsed **Resolved** group.' : '): active; its SLA clock runs from its declaration.'}`),
      ...(active ? ['  The status bar shows the clock of the most severe active incident, or of the one you select.'] : []),
    ],
    runbooks: [`- \`runbooks/\`: ${count(runbooks.length, 'short guide')}; they show up in the **Runbooks** view.`],
  };
  let text = fs.readFileSync(file, 'utf8');
  for (const [name, lines] of Object.entries(blocks)) {
    const re = new RegExp(`(<!-- demo:${name} -->\n)[\\s\\S]*?(<!-- /demo:${name} -->)`);
    if (!re.test(text)) throw new Error(`${file}: no <!-- demo:${name} --> block to fill`);
    text = text.replace(re, (_, open, close) => `${open}${lines.join('\n')}\n${close}`);
  }
  fs.writeFileSync(file, text);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: node scripts/demo-workspace.mjs <target>');
    process.exit(2);
  }
  createDemoWorkspace(path.resolve(target));
}
