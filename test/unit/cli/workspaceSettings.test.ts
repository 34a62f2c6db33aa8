import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { SettingsFileError, readWorkspaceHostSettings, stripJsonc } from '../../../src/cli/workspaceSettings';
import { TempDirs } from '../support/tempDirs';

describe('CLI: the workspace\'s .vscode/settings.json', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('JSON with comments and trailing commas, as VS Code writes it; strings are left alone', () => {
    const text = `{
  // a comment with "quotes", and a comma,
  "a": "http://x/*not a comment*/", /* block
  comment */ "b": [1, 2, ],
  "c": { "d": "\\\\", "e": "\\"//\\"", },
}`;
    assert.deepEqual(JSON.parse(stripJsonc(text)), { a: 'http://x/*not a comment*/', b: [1, 2], c: { d: '\\', e: '"//"' } });
  });

  it('reads incidentDesk.hosts and knownHostsFiles; relative files under the workspace folder, ~ under home', async () => {
    const ws = await temp.make();
    await fsp.mkdir(path.join(ws, '.vscode'));
    await fsp.writeFile(path.join(ws, '.vscode', 'settings.json'), '{ "incidentDesk.hosts": [{"name": "a", "host": "h"},], "incidentDesk.ssh.knownHostsFiles": ["team/known_hosts", "~/k", "/abs/k", 3] }');
    const s = await readWorkspaceHostSettings(ws, '/home/dana');
    assert.deepEqual(s.hosts, [{ name: 'a', host: 'h' }]);
    assert.deepEqual(s.knownHostsFiles, [path.join(ws, 'team', 'known_hosts'), '/home/dana/k', '/abs/k']);
  });

  it('no file: no settings; a broken one: SettingsFileError naming the file', async () => {
    const ws = await temp.make();
    assert.deepEqual(await readWorkspaceHostSettings(ws, '/home/dana'), { hosts: undefined, knownHostsFiles: [] });
    await fsp.mkdir(path.join(ws, '.vscode'));
    await fsp.writeFile(path.join(ws, '.vscode', 'settings.json'), '{ "incidentDesk.hosts": [ }');
    await assert.rejects(readWorkspaceHostSettings(ws, '/home/dana'), (e: unknown) => e instanceof SettingsFileError && e.message.startsWith(path.join(ws, '.vscode', 'settings.json')));
  });
});
