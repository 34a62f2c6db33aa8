// Copies the demo workspace (test/fixtures/demo-workspace) to a target folder with every time moved
// so the demo is "live": the fixture's clock reads ANCHOR, which becomes now. Used by npm start and
// by the e2e screenshots, so what a new user sees and what the README shows is the same state.
//   node scripts/demo-workspace.mjs <target>
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

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
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: node scripts/demo-workspace.mjs <target>');
    process.exit(2);
  }
  createDemoWorkspace(path.resolve(target));
}
