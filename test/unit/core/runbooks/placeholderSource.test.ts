import * as assert from 'node:assert/strict';
import type { Placeholder } from '../../../../src/core/runbooks/model';
import { findPlaceholders } from '../../../../src/core/runbooks/placeholders';
import { describePlaceholders, placeholderSource, placeholdersToType, runSourceLines, targetValues } from '../../../../src/core/runbooks/placeholderSource';

const ph = (run: string): Placeholder[] => findPlaceholders(run, 'bash');
const [dbUrl, workdir, file, host] = ph('psql "$DATABASE_URL" ${workdir}/[backup-file] <host>');
const profile = { host: 'db-1.internal', workDir: '/srv/orders', composeFile: 'compose.yml' };

describe('placeholderSource: where a placeholder gets its value', () => {
  it('an env-style $NAME comes from the shell, wherever the step runs: never asked for', () => {
    for (const target of [undefined, { local: '/ws' }, { host: profile }]) assert.deepEqual(placeholderSource(dbUrl, target), { kind: 'environment' });
    assert.deepEqual(placeholderSource(ph('echo ${API_TOKEN}')[0]), { kind: 'environment' });
  });

  it('${workdir} is filled automatically: the host\'s work dir, locally the folder it runs in', () => {
    assert.deepEqual(placeholderSource(workdir), { kind: 'automatic', from: "the host's work dir, or locally the folder it runs in" });
    assert.deepEqual(placeholderSource(workdir, { local: '/ws' }), { kind: 'automatic', from: 'the folder it runs in' });
    assert.deepEqual(placeholderSource(workdir, { host: profile }), { kind: 'automatic', from: "the host's work dir" });
    assert.deepEqual(placeholderSource(workdir, { host: { host: 'bare' } }), { kind: 'typed' }, 'a host without a work dir: asked for');
    assert.deepEqual(placeholderSource(ph('cd [workdir]')[0], { local: '/ws' }).kind, 'automatic', 'whatever the brackets');
  });

  it('<host> is the host\'s address on a host, typed on a local run; anything else is typed', () => {
    assert.deepEqual(placeholderSource(host, { host: profile }), { kind: 'automatic', from: "the host's address" });
    assert.deepEqual(placeholderSource(host, { local: '/ws' }), { kind: 'typed' });
    for (const target of [undefined, { local: '/ws' }, { host: profile }]) assert.deepEqual(placeholderSource(file, target), { kind: 'typed' });
  });

  it('targetValues: what a target fills', () => {
    assert.deepEqual(targetValues({ local: '/ws' }), { workdir: '/ws' });
    assert.deepEqual(targetValues({ local: undefined }), {});
    assert.deepEqual(targetValues({ host: profile }), { host: 'db-1.internal', workdir: '/srv/orders', compose_file: 'compose.yml', 'compose-file': 'compose.yml' });
    assert.deepEqual(targetValues(undefined), {});
  });

  it('placeholdersToType: neither environment nor known, once per name', () => {
    const list = [...ph('a [backup-file] $DATABASE_URL ${workdir}'), ...ph('b <backup-file> [region]')];
    assert.deepEqual(placeholdersToType(list, { workdir: '/ws' }).map((p) => p.token), ['[backup-file]', '[region]']);
    assert.deepEqual(placeholdersToType(list, { workdir: '/ws', region: '' }).map((p) => p.token), ['[backup-file]', '[region]'], 'an empty value is no value');
  });

  it('describePlaceholders: the words lint and the Problems panel show', () => {
    assert.equal(describePlaceholders([]), undefined);
    assert.equal(describePlaceholders([dbUrl]), "$DATABASE_URL comes from the shell's environment");
    assert.equal(describePlaceholders([workdir]), "${workdir} (the host's work dir, or locally the folder it runs in) is filled automatically");
    assert.equal(
      describePlaceholders([dbUrl, workdir, file, ...ph('[region] $PGUSER')]),
      "[backup-file], [region] are asked for before it runs; $DATABASE_URL, $PGUSER come from the shell's environment; ${workdir} (the host's work dir, or locally the folder it runs in) is filled automatically",
    );
  });

  it('runSourceLines: what Run\'s confirmation says, with the values it used', () => {
    assert.deepEqual(runSourceLines([dbUrl, workdir, file], { local: '/ws' }, { workdir: '/ws', 'backup-file': 'x.gz' }, ['$DATABASE_URL']), [
      'Filled automatically: ${workdir} = /ws (the folder it runs in)',
      "From the shell's environment: $DATABASE_URL",
    ]);
    assert.deepEqual(runSourceLines([workdir, host], { host: profile }, { ...targetValues({ host: profile }), workdir: '/elsewhere' }, []), [
      'Filled automatically: <host> = db-1.internal (the host\'s address)',
    ], 'a value given on purpose (--set) is not called automatic');
    assert.deepEqual(runSourceLines([file], { local: '/ws' }, { 'backup-file': 'x' }, []), []);
  });
});
