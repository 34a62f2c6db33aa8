import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultActorName } from '../../../../src/services/identity/actorName';
import { TempDirs } from '../../support/tempDirs';

describe('defaultActorName', function () {
  this.timeout(10_000);
  const temp = new TempDirs();
  const saved = { GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL, PATH: process.env.PATH };

  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  after(() => temp.cleanup());

  it("uses the global git user.name when there is one", async () => {
    const dir = await temp.make();
    const config = path.join(dir, 'gitconfig');
    await fsp.writeFile(config, '[user]\n\tname = Dana Example  \n');
    process.env.GIT_CONFIG_GLOBAL = config;
    assert.equal(await defaultActorName(), 'Dana Example');
  });

  it('falls back to the OS user name when git has no name', async () => {
    const dir = await temp.make();
    const config = path.join(dir, 'empty-gitconfig');
    await fsp.writeFile(config, '');
    process.env.GIT_CONFIG_GLOBAL = config;
    assert.equal(await defaultActorName(), os.userInfo().username);
  });

  it('falls back to the OS user name when git is not installed', async () => {
    process.env.PATH = await temp.make(); // an empty folder: no git on the PATH
    assert.equal(await defaultActorName(), os.userInfo().username);
  });
});
