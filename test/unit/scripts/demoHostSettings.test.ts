// `node scripts/demo-host.mjs settings <settings.json> <stateDir>`: npm start puts the demo host's
// profile and known_hosts file into the sandbox's user settings when the host started, and takes
// them out again when it did not, leaving the user's own hosts and files alone.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempDirs } from '../support/tempDirs';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', '..', 'scripts', 'demo-host.mjs');

describe('demo host settings (scripts/demo-host.mjs settings)', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('adds the profile and known_hosts when the host started, replaces them on the next start, removes them when it did not start; the user\'s own entries stay', async () => {
    const dir = await temp.make();
    const settings = path.join(dir, 'settings.json');
    const state = path.join(dir, 'demo-host');
    fs.mkdirSync(state);
    const mine = { name: 'prod', host: 'prod.example.com' };
    fs.writeFileSync(settings, JSON.stringify({ 'workbench.tips.enabled': false, 'incidentDesk.hosts': [mine], 'incidentDesk.ssh.knownHostsFiles': ['/etc/team_known_hosts'] }));
    const run = () => {
      const r = spawnSync(process.execPath, [SCRIPT, 'settings', settings, state], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr + r.stdout);
      return JSON.parse(fs.readFileSync(settings, 'utf8')) as Record<string, unknown>;
    };
    const started = (port: number) =>
      fs.writeFileSync(path.join(state, 'started.json'), JSON.stringify({ knownHostsFile: path.join(state, 'known_hosts'), profile: { name: 'demo-host', host: '127.0.0.1', port, user: 'demo-1-1-abcd', service: 'checkout-api' } }));

    started(40001);
    let s = run();
    assert.deepEqual(s['incidentDesk.hosts'], [mine, { name: 'demo-host', host: '127.0.0.1', port: 40001, user: 'demo-1-1-abcd', service: 'checkout-api' }]);
    assert.deepEqual(s['incidentDesk.ssh.knownHostsFiles'], ['/etc/team_known_hosts', path.join(state, 'known_hosts')]);
    assert.equal(s['workbench.tips.enabled'], false);

    started(40002);
    s = run();
    assert.deepEqual((s['incidentDesk.hosts'] as Array<{ port?: number }>).map((h) => h.port), [undefined, 40002], 'one demo host, the new port');
    assert.equal((s['incidentDesk.ssh.knownHostsFiles'] as string[]).length, 2);

    fs.rmSync(path.join(state, 'started.json'));
    s = run();
    assert.deepEqual(s['incidentDesk.hosts'], [mine]);
    assert.deepEqual(s['incidentDesk.ssh.knownHostsFiles'], ['/etc/team_known_hosts']);

    fs.writeFileSync(settings, JSON.stringify({ 'incidentDesk.hosts': [] }));
    assert.deepEqual(run(), {}, 'no empty lists left behind');
  });

  it('a settings file that is not plain JSON (comments) is left as it is, with a message', async () => {
    const dir = await temp.make();
    const settings = path.join(dir, 'settings.json');
    const text = '{\n  // mine\n  "editor.fontSize": 14\n}\n';
    fs.writeFileSync(settings, text);
    const r = spawnSync(process.execPath, [SCRIPT, 'settings', settings, path.join(dir, 'demo-host')], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /is not plain JSON .*add the demo host to incidentDesk\.hosts yourself/);
    assert.equal(fs.readFileSync(settings, 'utf8'), text);
  });
});
