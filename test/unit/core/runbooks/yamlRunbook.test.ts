import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunbookDiagnostic } from '../../../../src/core/runbooks/model';
import { MAX_YAML_NESTING, parseYamlRunbook } from '../../../../src/core/runbooks/yamlRunbook';

const FIXTURES = path.resolve(__dirname, '../../../../../test/fixtures/runbooks/yaml');

/** The diagnostics as `line:col severity message` strings, easy to compare exactly. */
function diags(text: string, options = {}): string[] {
  return parseYamlRunbook(text, 'runbooks/x.yaml', options).diagnostics.map(show);
}
function show(d: RunbookDiagnostic): string {
  return `${d.line}:${d.column} ${d.severity} ${d.message}`;
}
const PH = 'is asked for before it runs';

describe('parseYamlRunbook', () => {
  it('reads a full runbook: fields, one level-0 section, steps, commands, placeholders', () => {
    const file = path.join(FIXTURES, 'database-connection-lost.yaml');
    const rb = parseYamlRunbook(fs.readFileSync(file, 'utf8'), file);
    assert.equal(rb.format, 'yaml');
    assert.equal(rb.file, file);
    assert.equal(rb.title, 'Database connection lost');
    assert.equal(rb.severity, 'P1');
    assert.deepEqual(rb.services, ['api', 'postgres']);
    assert.deepEqual(rb.symptoms, ['connection refused', 'too many connections']);
    assert.equal(rb.sections.length, 1);
    const [s] = rb.sections;
    assert.deepEqual({ title: s.title, level: s.level, severity: s.severity, line: s.line }, { title: 'Database connection lost', level: 0, severity: 'P1', line: 11 });
    assert.deepEqual(s.steps, [
      {
        title: 'Check the database container', line: 11, host: 'production',
        commands: [{ language: 'bash', run: 'docker compose -f ${compose_file} ps db', runnable: true, line: 12, placeholders: [{ token: '${compose_file}', name: 'compose_file', kind: 'variable' }] }],
      },
      {
        title: 'Count connections', line: 14,
        commands: [{ language: 'sql', run: 'SELECT count(*) FROM pg_stat_activity;', runnable: false, line: 16, placeholders: [] }],
      },
      {
        title: 'Restart the API', line: 17, confirm: true, expect: '/Restarted|Started/',
        commands: [{ language: 'bash', run: 'cd [workdir] && \\\n  docker compose restart api', runnable: true, line: 19, placeholders: [{ token: '[workdir]', name: 'workdir', kind: 'bracket' }] }],
      },
      { title: 'Tell the team in the incident channel', line: 23, commands: [] },
    ]);
    assert.deepEqual(rb.diagnostics.map(show), [
      "12:28 info ${compose_file} (the host's compose file, else asked for) is filled automatically",
      "19:10 info [workdir] (the host's work dir, or locally the folder it runs in) is filled automatically",
    ]);
  });

  it('says where each placeholder gets its value, as Run does: typed, the shell\'s environment, filled automatically', () => {
    const text = 'title: x\nsteps:\n  - title: Restore\n    run: psql "$DATABASE_URL" -f ${workdir}/[backup-file]\n';
    assert.deepEqual(diags(text), [
      "4:16 info [backup-file] is asked for before it runs; $DATABASE_URL comes from the shell's environment; ${workdir} (the host's work dir, or locally the folder it runs in) is filled automatically",
    ]);
  });

  it('reads sections: level 1, own severity or the runbook\'s', () => {
    const rb = parseYamlRunbook(fs.readFileSync(path.join(FIXTURES, 'sections.yml'), 'utf8'), 'sections.yml');
    assert.equal(rb.title, 'Cache (Redis) failure');
    assert.deepEqual(rb.sections.map((s) => [s.title, s.level, s.severity, s.line, s.steps.map((st) => [st.title, st.line, st.commands[0].run])]), [
      ['Immediate actions', 1, 'P1', 4, [['Ping Redis', 7, 'redis-cli -h <redis-host> ping']]],
      ['Resolution', 1, 'P2', 9, [['Flush the bad keys', 11, "redis-cli --scan --pattern 'session:*' | xargs redis-cli del"]]],
    ]);
    assert.deepEqual(rb.diagnostics.map(show), [`8:27 info <redis-host> ${PH}`]);
  });

  it('takes CRLF line ends and a BOM: commands keep LF, positions stay right', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'crlf-bom.yaml'), 'utf8');
    assert.equal(text.charCodeAt(0), 0xfeff, 'fixture starts with a BOM');
    assert.ok(text.includes('\r\n'), 'fixture has CRLF');
    const rb = parseYamlRunbook(text, 'crlf-bom.yaml');
    assert.equal(rb.title, 'Site down');
    assert.equal(rb.severity, 'P1');
    assert.deepEqual(rb.sections[0].steps[0].commands[0].run, 'systemctl status nginx\ncurl -sI https://[domain]/');
    assert.equal(rb.sections[0].steps[0].commands[0].line, 6);
    assert.deepEqual(rb.diagnostics.map(show), [`7:24 info [domain] ${PH}`]);
  });

  it('refuses an alias bomb at the first alias past the limit, before expanding it', () => {
    const bomb = [
      'title: x', 'steps: []',
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
      'steps2: *i', '',
    ].join('\n');
    // 9^9 expansions would never end within the test's timeout: the diagnostic is the proof.
    assert.deepEqual(diags(bomb), ['4:8 error more than 100 alias expansions (an alias bomb?); the file is refused']);
  });

  it('resolves a few ordinary aliases', () => {
    const rb = parseYamlRunbook('title: x\nservices: &s [api, db]\nsymptoms: *s\nsteps:\n  - &st\n    title: one\n    run: uptime\n  - *st\n', 'x.yaml');
    assert.deepEqual(rb.symptoms, ['api', 'db']);
    assert.deepEqual(rb.sections[0].steps.map((s) => s.title), ['one', 'one']);
    assert.deepEqual(rb.diagnostics, []);
  });

  describe('20,000-deep nesting is refused without overflowing the stack', () => {
    const refused = `error nested more than ${MAX_YAML_NESTING} levels deep; the file is refused`;
    it('flow sequences', () => {
      assert.deepEqual(diags('title: x\nsteps: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n'), [`2:71 ${refused}`]);
    });
    it('flow mappings', () => {
      assert.deepEqual(diags('title: x\nsteps: ' + '{a: '.repeat(20_000) + '1' + '}'.repeat(20_000) + '\n'), [`2:257 ${refused}`]);
    });
    it('block sequences on one line', () => {
      assert.deepEqual(diags('title: x\nsteps:\n  ' + '- '.repeat(20_000) + 'x\n'), [`3:128 ${refused}`]);
    });
    it('block mappings, one more space per line', () => {
      let s = 'title: x\nsteps:\n';
      for (let i = 1; i < 20_000; i++) s += ' '.repeat(i) + 'a:\n';
      assert.deepEqual(diags(s), [`65:65 ${refused}`]);
    });
    it('ordinary nesting is fine', () => {
      let s = 'title: x\nsteps: []\n';
      s += 'description: ' + '['.repeat(20) + ']'.repeat(20) + '\n';
      assert.deepEqual(diags(s), ['3:14 error expected text here, found a list']);
    });
  });

  it('reports a duplicate key at the second occurrence', () => {
    assert.deepEqual(diags('title: a\nsteps: []\ntitle: b\n'), ['3:1 error duplicate key "title"']);
    assert.deepEqual(diags('title: a\nsteps:\n  - title: x\n    run: a\n    run: b\n'), ['5:5 error duplicate key "run"']);
  });

  it('reports tabs used for indentation where the tab is', () => {
    assert.deepEqual(diags('title: a\nsteps:\n\t- title: x\n'), ['3:1 error tab used for indentation; YAML indents with spaces only']);
    const tabbed = diags('title: a\nsteps:\n  - title: x\n\t  run: y\n');
    assert.equal(tabbed[0], '4:1 error tab used for indentation; YAML indents with spaces only');
  });

  it('reports missing title and steps at the top', () => {
    assert.deepEqual(diags('severity: P1\n'), [
      '1:1 error missing `title`: every runbook needs one',
      '1:1 error missing `steps`: a runbook lists its steps (or `sections` with steps)',
    ]);
    const rb = parseYamlRunbook('severity: P1\n', 'runbooks/db-down.yml');
    assert.equal(rb.title, 'db-down', 'falls back to the file name');
    assert.deepEqual(rb.sections, []);
  });

  it('reports wrong types at the value', () => {
    assert.deepEqual(diags('title: 5\nservices: api\nsymptoms: [1, ok]\nsteps:\n  - title: [x]\n    confirm: "yes"\n    run: echo\n  - just text\n'), [
      '1:8 error expected text here, found a number (5)',
      '3:12 error expected text here, found a number (1)',
      '5:12 error expected text here, found a list',
      '6:14 error expected true or false, found text',
      '8:5 error `steps` items are mappings with at least `title` (and usually `run`)',
    ]);
    assert.deepEqual(diags('title: x\nsteps: do things\n'), ['2:8 error `steps` must be a list']);
    assert.deepEqual(diags('title:\nsteps: []\n'), ['1:7 error `title` is empty']);
  });

  it('warns about unknown keys at the key, and still reads the rest', () => {
    const rb = parseYamlRunbook('title: a\nowner: me\nsteps:\n  - title: x\n    runn: echo\n', 'x.yaml');
    assert.deepEqual(rb.diagnostics.map(show), [
      '2:1 warning unknown key "owner" in this runbook; expected one of title, severity, services, symptoms, description, steps, sections',
      '5:5 warning unknown key "runn" in this step; expected one of title, run, language, host, confirm, expect',
    ]);
    assert.deepEqual(rb.sections[0].steps, [{ title: 'x', line: 4, commands: [] }]);
  });

  it('checks severities only against a known list', () => {
    assert.deepEqual(diags('title: a\nseverity: P9\nsteps: []\n'), []);
    assert.deepEqual(diags('title: a\nseverity: P9\nsteps: []\n', { knownSeverities: ['P1', 'P2'] }), ['2:11 warning unknown severity "P9"; known: P1, P2']);
    assert.deepEqual(diags('title: a\nseverity: p1\nsteps: []\n', { knownSeverities: ['P1', 'P2'] }), [], 'case-insensitive');
  });

  it('reports invalid YAML, empty files, non-mappings and a second document', () => {
    assert.deepEqual(diags(''), ['1:1 error a YAML runbook is a mapping with at least `title` and `steps`']);
    assert.deepEqual(diags('- a\n- b\n'), ['1:1 error a YAML runbook is a mapping with at least `title` and `steps`']);
    assert.deepEqual(diags('title: a\nsteps: []\n---\ntitle: b\n'), ['3:1 error a runbook file holds one YAML document; this is a second one (`---`)']);
    assert.equal(diags('title: "unterminated\nsteps: []\n')[0], '3:1 error invalid YAML: Missing closing "quote');
  });

  it('takes the language and says which commands run (PowerShell is shown, like in markdown)', () => {
    const rb = parseYamlRunbook('title: a\nsteps:\n  - title: q\n    language: SQL\n    run: select 1\n  - title: p\n    language: powershell\n    run: Get-Service\n', 'x.yaml');
    assert.deepEqual(rb.sections[0].steps.map((s) => [s.commands[0].language, s.commands[0].runnable]), [['sql', false], ['powershell', false]]);
    const sh = parseYamlRunbook('title: a\nsteps:\n  - title: s\n    language: sh\n    run: uptime\n', 'x.yaml');
    assert.equal(sh.sections[0].steps[0].commands[0].runnable, true);
  });
});
