import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { type FillOptions, type RefusalReason, fillPlaceholders } from '../../../../src/core/runbooks/placeholderFill';
import { ensureServiceTools } from '../../../services/packages';

// The quoting promise, proven by doing it: hostile values are filled into every context the
// placeholder scanner knows, and the filled command is EXECUTED by real bash, dash and zsh (and zsh
// with RC_QUOTES, and an interactive bash with history expansion on, as the local runner types
// into). The command hands the value to printf or cat, which write it to a file: the file must hold
// exactly the value, and no value may ever create the canary file. A context may refuse a value
// only where the issue allows it (backticks, a heredoc line equal to its delimiter, `$((…))`).

/** A fixed folder for the canary: the hostile fragments name it, so they are known before any run. */
const CANARY_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'ids-canary-'));
const CANARY = path.join(CANARY_DIR, 'canary');
after(() => fs.rmSync(CANARY_DIR, { recursive: true, force: true }));

type Shell = 'bash' | 'dash' | 'zsh';

interface Template {
  readonly name: string;
  /** The command, writing to file `out`; `[value]` is the placeholder. */
  readonly run: (out: string) => string;
  /** What the file must hold for value `v` (default: `v`). */
  readonly expected?: (v: string) => string;
  /** Refusals allowed here; any other refusal fails the test. */
  readonly mayRefuse?: readonly RefusalReason[];
  /** Only for these interpreters (default: all). */
  readonly shells?: readonly Shell[];
  /**
   * Not typed: the template itself holds a tab, which readline takes as completion before any
   * value is involved (a limit of typing, not of the quoting; see the local runner).
   */
  readonly notTyped?: true;
}

/** `$(…)` drops trailing newlines: that is the template's shell semantics, not the quoting's. */
const withoutTrailingNewlines = (v: string) => v.replace(/\n+$/, '');

const TEMPLATES: readonly Template[] = [
  { name: 'plain word', run: (o) => `printf '%s' [value] > ${o}` },
  { name: 'single quotes', run: (o) => `printf '%s' '[value]' > ${o}` },
  { name: 'single quotes with text around', run: (o) => `printf '%s' 'a [value] b' > ${o}`, expected: (v) => `a ${v} b` },
  { name: 'double quotes', run: (o) => `printf '%s' "[value]" > ${o}` },
  { name: 'double quotes with text around', run: (o) => `printf '%s' "a [value] b" > ${o}`, expected: (v) => `a ${v} b` },
  { name: '$(…) nested in double quotes', run: (o) => `printf '%s' "$(printf '%s' "[value]")" > ${o}`, expected: withoutTrailingNewlines },
  { name: 'unquoted word in $(…) in double quotes', run: (o) => `printf '%s' "$(printf '%s' [value])" > ${o}`, expected: withoutTrailingNewlines },
  {
    name: 'three levels of $(…) and double quotes',
    run: (o) => `x="$(printf '%s.' "$(printf '%s' "$(printf '%s.' "[value]")")")"; x="\${x%.}"; printf '%s' "\${x%.}" > ${o}`,
  },
  { name: 'assignment', run: (o) => `x=[value]; printf '%s' "$x" > ${o}` },
  { name: 'double-quoted assignment', run: (o) => `x="[value]"; printf '%s' "$x" > ${o}` },
  { name: 'export assignment', run: (o) => `export x=[value]; printf '%s' "$x" > ${o}` },
  { name: 'concatenation', run: (o) => `printf '%s' pre-[value]-post > ${o}`, expected: (v) => `pre-${v}-post` },
  { name: 'concatenation with quoted neighbours', run: (o) => `printf '%s' 'a'[value]'b' "c"[value]"d" > ${o}`, expected: (v) => `a${v}bc${v}d` },
  { name: 'word of an unquoted ${…}', run: (o) => `printf '%s' \${unset_var:-[value]} > ${o}` },
  { name: 'word of a ${…} in double quotes', run: (o) => `printf '%s' "\${unset_var:-[value]}" > ${o}` },
  { name: 'double quotes in a ${…} in double quotes', run: (o) => `printf '%s' "\${unset_var:-"[value]"}" > ${o}` },
  { name: "$'…' quotes", run: (o) => `printf '%s' $'a-[value]-b' > ${o}`, expected: (v) => `a-${v}-b`, shells: ['bash', 'zsh'] },
  { name: 'heredoc body', run: (o) => `cat <<EOF > ${o}\n[value]\nEOF`, expected: (v) => `${v}\n`, mayRefuse: ['heredocDelimiter'] },
  { name: 'heredoc body with text around', run: (o) => `cat <<EOF > ${o}\nat [value] now\nEOF`, expected: (v) => `at ${v} now\n`, mayRefuse: ['heredocDelimiter'] },
  { name: 'quoted heredoc body', run: (o) => `cat <<'EOF' > ${o}\n[value]\nEOF`, expected: (v) => `${v}\n`, mayRefuse: ['heredocDelimiter'] },
  { name: '<<- heredoc body', run: (o) => `cat <<-EOF > ${o}\n\t[value]\n\tEOF`, expected: (v) => `${v}\n`, mayRefuse: ['heredocDelimiter', 'heredocTabs'], notTyped: true },
  { name: 'backticks', run: (o) => `printf '%s' \`printf '%s' [value]\` > ${o}`, mayRefuse: ['backtick'] },
  { name: 'arithmetic', run: (o) => `printf '%s' $(( [value] )) > ${o}`, mayRefuse: ['arithmetic'] },
];

/** What an attacker (or an unlucky paste) puts in a value. */
const HOSTILE: readonly string[] = [
  `$(touch ${CANARY})`, `\`touch ${CANARY}\``, `; touch ${CANARY}`, `| touch ${CANARY}`, `&& touch ${CANARY}`, `& touch ${CANARY} &`,
  `\ntouch ${CANARY}\n`, `"$(touch ${CANARY})"`, `'$(touch ${CANARY})'`, `\\$(touch ${CANARY})`, `\${x:-$(touch ${CANARY})}`,
  `$((1+1))`, `a[$(touch ${CANARY})]`, `>(touch ${CANARY})`, `<(touch ${CANARY})`, '$[1]', '$"x"', 'E\u00a0', 'EOF\u00e9', `"; touch ${CANARY}; "`, `'; touch ${CANARY}; '`, '`', '$(', ')', '}', '{', '${',
  "'", '"', '\\', '\\\\', "'\\''", '""', "''", "'''", '!', '!!', '!$', '!-1', '!#', '^', 'a!b', '!"', "!'", '\\!',
  ';', '|', '&', '&&', '<', '>', '>>', '<<EOF', '(', ')', '*', '?', '[a-z]', '[!a]', '**/*', '~', '~root', '{a,b}', '#', ' #x',
  '$HOME', '$PATH', '${IFS}', '$IFS', '$', '$$', '$?', '$1', '$@', '$*', '%s', '%', '=', '=ls', 'x=y', '+', '@', ':', ',',
  '\n', '\n\n', '\t', '\r', '\r\n', ' ', '  ', '\x01', '\x03', '\x04', '\x1b[31m', '\x7f', '\x15',
  '-', '--', '-rf', '-n', '-e', '--help', 'EOF', '\nEOF\n', 'EOF\n', '\tEOF', '\t', '\t\tx',
  'é', 'ß', '日本語', '🙂', '\u202e', '\u00a0', '\u2028', 'ﬁ', 'a\u0301', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 '.repeat(20), 'ж'.repeat(150),
  '0', '42', '-7', '007', '123456789012345678901',
];

const value: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...HOSTILE) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }) }), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''));

interface Filled {
  template: Template;
  out: string;
  command?: string;
  refusal?: RefusalReason;
}

function fillAll(v: string, language: Shell, options: FillOptions = {}): Filled[] {
  return TEMPLATES.filter((t) => (!t.shells || t.shells.includes(language)) && !(options.typed && t.notTyped)).map((template, k) => {
    const out = `out.${k}`;
    const f = fillPlaceholders(template.run(out), { value: v }, language, new Set(), options);
    assert.deepEqual(f.missing, [], `${template.name}: nothing may be left unfilled`);
    if (f.refused.length) {
      const reason = f.refused[0].reason;
      // Typed, no quoting applies in a heredoc body: a control character (a tab is completion to readline) may be refused there, and only there.
      // eslint-disable-next-line no-control-regex -- control characters are the point
      const typedHeredoc = options.typed === true && reason === 'controlCharacter' && template.name.includes('heredoc') && /[\x00-\x09\x0b-\x1f\x7f]/.test(v);
      assert.ok(typedHeredoc || template.mayRefuse?.includes(reason), `${template.name}: refused (${reason}: ${f.refused[0].message}) where no refusal is allowed, value ${JSON.stringify(v)}`);
      // A refusal is only allowed for values that really cannot go there.
      if (reason === 'backtick') assert.ok(!/^[A-Za-z0-9_@%+:,./-]+$/.test(v));
      // (dash also refuses a line that starts like the delimiter and goes on with a non-ASCII character: it drops a byte there.)
      const dashMangles = (l: string) => language === 'dash' && /^(?:E|EO|EOF)/.test(l) && [1, 2, 3].some((k) => 'EOF'.startsWith(l.slice(0, k)) && l.charCodeAt(k) >= 0x80);
      if (reason === 'heredocDelimiter') assert.ok(`\n${template.run(out)}\n`.replace('[value]', v).split('\n').some((l) => l.replace(/^\t+/, '') === 'EOF' || dashMangles(l.replace(/^\t+/, ''))));
      return { template, out, refusal: reason };
    }
    return { template, out, command: f.text };
  });
}

/** What the files say after the run, each checked against what its template expects. */
function check(dir: string, v: string, filled: readonly Filled[], how: string, log: () => string): void {
  for (const f of filled) {
    if (!f.command) continue;
    const file = path.join(dir, f.out);
    const got = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    const want = (f.template.expected ?? ((x: string) => x))(v);
    if (f.template.name === 'arithmetic') {
      assert.equal(got, String(Number(v)), `${how}, ${f.template.name}: ${JSON.stringify(f.command)}\n${log()}`);
      continue;
    }
    assert.equal(got, want, `${how}, ${f.template.name}: the program did not receive the value exactly.\ncommand: ${JSON.stringify(f.command)}\n${log()}`);
  }
  assert.equal(fs.existsSync(CANARY), false, `${how}: a value ran a command (the canary exists); value ${JSON.stringify(v)}\n${log()}`);
}

describe('placeholder values executed in real shells (fast-check)', function () {
  this.timeout(120_000);
  let shells: Record<Shell, string>;
  before(() => {
    const tools = ensureServiceTools();
    shells = { bash: 'bash', dash: tools.dash, zsh: tools.zsh };
  });

  const variants: Array<{ label: string; shell: Shell; prelude: string }> = [
    { label: 'bash', shell: 'bash', prelude: '' },
    { label: 'dash', shell: 'dash', prelude: '' },
    { label: 'zsh', shell: 'zsh', prelude: '' },
    // RC_QUOTES reads '' inside single quotes as one quote: the quoting must not depend on it being off.
    { label: 'zsh with RC_QUOTES', shell: 'zsh', prelude: 'setopt rc_quotes\n' },
  ];

  for (const { label, shell, prelude } of variants) {
    it(`${label} -s: every context receives the value exactly, and no value runs anything`, () => {
      fc.assert(
        fc.property(value, (v) => {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ids-q-'));
          try {
            const filled = fillAll(v, shell);
            const script = prelude + filled.filter((f) => f.command).map((f) => f.command).join('\n') + '\n';
            const r = spawnSync(shells[shell], ['-s'], { input: script, cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8' }, encoding: 'utf8' });
            check(dir, v, filled, label, () => `stderr: ${r.stderr}`);
          } finally {
            fs.rmSync(dir, { recursive: true, force: true });
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it('the cases from the issue: $(touch …) inside "$(echo "[name]")" and a backtick value never run', () => {
    for (const shell of ['bash', 'dash', 'zsh'] as const) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ids-q-'));
      try {
        const v = `$(touch ${CANARY})\`touch ${CANARY}\``;
        const f = fillPlaceholders(`printf '%s' "$(printf '%s' "[name]")" > out`, { name: v }, shell);
        assert.deepEqual(f.refused, []);
        const r = spawnSync(shells[shell], ['-s'], { input: `${f.text}\n`, cwd: dir, encoding: 'utf8' });
        assert.equal(fs.existsSync(CANARY), false, `${shell}: ${f.text}\n${r.stderr}`);
        assert.equal(fs.readFileSync(path.join(dir, 'out'), 'utf8'), v, shell);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('refusals name their context', () => {
    const backtick = fillPlaceholders('echo `cat [file]`', { file: 'a b' }, 'bash');
    assert.equal(backtick.refused[0]?.reason, 'backtick');
    assert.match(backtick.refused[0]?.message ?? '', /\[file\].*backticks/);
    const heredoc = fillPlaceholders('cat <<EOF\n[body]\nEOF', { body: 'x\nEOF' }, 'bash');
    assert.equal(heredoc.refused[0]?.context, 'heredoc');
    assert.match(heredoc.refused[0]?.message ?? '', /heredoc body.*delimiter/);
    assert.equal(heredoc.text, 'cat <<EOF\n[body]\nEOF', 'nothing is written when refused');
  });
});

/** How to start each interactive shell with history expansion on (zsh: BANG_HIST is on by default). */
const INTERACTIVE: Record<'bash' | 'zsh', { command: string; setup: string }> = {
  bash: { command: 'bash --norc --noprofile -i', setup: 'set -o history -H' },
  zsh: { command: 'zsh -f -i', setup: 'setopt bang_hist; PS1="READY$ "' },
};

/**
 * Types `lines` into a real interactive shell (a pty made by util-linux `script`), history
 * expansion on, and resolves when it exits. Typed only once the first prompt is up, as a user would.
 */
function typeIntoInteractiveShell(shell: 'bash' | 'zsh', dir: string, lines: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', INTERACTIVE[shell].command, '/dev/null'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TERM: 'dumb', PS1: 'READY$ ', LANG: 'C.UTF-8', HISTFILE: path.join(dir, 'history') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let typed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (!typed && /READY\$ |[%#] $/.test(output)) {
        typed = true;
        child.stdin.write(`${INTERACTIVE[shell].setup}\n${lines}\nexit\n`);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    // A typed command that leaves a quote or heredoc open keeps bash reading: that is a failure, shown with what the terminal showed.
    const stuck = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`interactive bash did not finish (a command left something open?):\n${JSON.stringify(output.slice(-3000))}`));
    }, 20_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(stuck);
      child.stdin.destroy();
      resolve(output);
    });
  });
}

describe('placeholder values typed into a real interactive bash and zsh, history expansion on (fast-check)', function () {
  this.timeout(120_000);

  for (const shell of ['bash', 'zsh'] as const) {
    it(`typed into ${shell}: commands receive every value exactly; \`!\` is never expanded; nothing runs`, async () => {
      await fc.assert(
        fc.asyncProperty(value, async (v) => {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ids-qi-'));
          try {
            const filled = fillAll(v, shell, { typed: true });
            const output = await typeIntoInteractiveShell(shell, dir, filled.filter((f) => f.command).map((f) => f.command).join('\n'));
            check(dir, v, filled, `interactive ${shell}`, () => `terminal: ${JSON.stringify(output.slice(-3000))}`);
          } finally {
            fs.rmSync(dir, { recursive: true, force: true });
          }
        }),
        { numRuns: 25 },
      );
    });
  }

  it('the typed path refuses a control character where no quoting applies (a heredoc body), naming the context', () => {
    const f = fillPlaceholders('cat <<EOF\n[body]\nEOF', { body: 'a\tb' }, 'bash', new Set(), { typed: true });
    assert.equal(f.refused[0]?.reason, 'controlCharacter');
    assert.equal(f.refused[0]?.context, 'heredoc');
    assert.deepEqual(fillPlaceholders('cat <<EOF\n[body]\nEOF', { body: 'a\tb' }, 'bash').refused, [], 'given as a script, the tab is just a character');
  });
});
