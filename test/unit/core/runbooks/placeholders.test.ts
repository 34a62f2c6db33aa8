import * as assert from 'node:assert/strict';
import { findPlaceholders } from '../../../../src/core/runbooks/placeholders';
import { fillPlaceholders } from '../../../../src/core/runbooks/placeholderFill';

const tokens = (run: string, lang = 'bash', assigned?: Set<string>) => findPlaceholders(run, lang, assigned).map((p) => `${p.kind}:${p.token}:${p.name}`);

describe('findPlaceholders', () => {
  it('finds the four kinds, deduplicated, in order', () => {
    assert.deepEqual(tokens('restore [backup-file] <commit-hash> $DATABASE_URL ${workdir} [backup-file] ${DB_HOST}'), [
      'bracket:[backup-file]:backup-file', 'angle:<commit-hash>:commit-hash', 'env:$DATABASE_URL:DATABASE_URL', 'variable:${workdir}:workdir', 'env:${DB_HOST}:DB_HOST',
    ]);
  });

  it('skips shell syntax that only looks like a placeholder', () => {
    assert.deepEqual(tokens('[ -f x ] && [[ -n "$y" ]] && echo ${arr[0]} $1 $? $$ $(date) arr[idx] grep "[a-z]" x'), []);
    assert.deepEqual(tokens('cat <<EOF > out\nbody\nEOF'), []);
    assert.deepEqual(tokens('sort < input.txt; echo $HOME $PATH $USER $PWD'), []);
    assert.deepEqual(tokens("echo '$NOT_EXPANDED' ${VAR:-fallback} \\$ESCAPED # uses [in-comment]"), []);
    assert.deepEqual(tokens('FOO=1; echo $FOO; export BAR=2 && echo ${BAR}'), []);
    assert.deepEqual(tokens('gunzip -t $LATEST', 'bash', new Set(['LATEST'])), []);
  });

  it('reads heredoc bodies: quoted delimiters keep $VARS literal', () => {
    assert.deepEqual(tokens("cat <<'EOF'\nit's $LITERAL at [when]\nEOF\necho $AFTER"), ['bracket:[when]:when', 'env:$AFTER:AFTER']);
    assert.deepEqual(tokens('cat <<-EOF\n\tdon\'t $EXPANDED\n\tEOF'), ['env:$EXPANDED:EXPANDED']);
  });

  it('looks for $VARS only in shell; [name] and <name> everywhere', () => {
    assert.deepEqual(tokens('SELECT $X FROM t WHERE id = [row-id]', 'sql'), ['bracket:[row-id]:row-id']);
    assert.deepEqual(tokens('Started: [TIME]\nImpact: [All users]', ''), ['bracket:[TIME]:TIME']);
  });
});

describe('fillPlaceholders', () => {
  it('writes safe values as is and quotes the rest for where the token sits', () => {
    const run = 'restore.sh [backup-file] "$DATABASE_URL" \'[note]\' <commit-hash>';
    const { text, missing } = fillPlaceholders(run, { 'backup-file': 'daily/2026-01-20.sql.gz', DATABASE_URL: 'postgres://u:p@h/db?x=$y', note: "it's", 'commit-hash': 'a b;rm -rf /' });
    assert.equal(text, 'restore.sh daily/2026-01-20.sql.gz "postgres://u:p@h/db?x=\\$y" \'it\'\\\'\'s\' \'a b;rm -rf /\'');
    assert.deepEqual(missing, []);
  });

  it('quotes in every language a step can run (a ```terminal block, a YAML language: terminal), not only bash', () => {
    for (const language of ['terminal', 'console', 'zsh', '']) {
      assert.equal(fillPlaceholders('rm -rf [dir]', { dir: 'x; touch /tmp/pwned' }, language).text, "rm -rf 'x; touch /tmp/pwned'", language);
    }
  });

  it('leaves a variable an earlier command assigned to the shell', () => {
    assert.deepEqual(fillPlaceholders('echo ${name}', {}, 'bash', new Set(['name'])), { text: 'echo ${name}', missing: [], refused: [] });
  });

  it('reports missing (and empty) values and leaves their tokens', () => {
    const { text, missing } = fillPlaceholders('cp [src] [dst]', { src: 'a', dst: '' });
    assert.equal(text, 'cp a [dst]');
    assert.deepEqual(missing, [{ token: '[dst]', name: 'dst', kind: 'bracket' }]);
  });

  it('escapes in unquoted heredocs, is literal in quoted ones and in non-shell text', () => {
    assert.equal(fillPlaceholders('cat <<EOF\nat [when]\nEOF', { when: '$(x) `y`' }).text, 'cat <<EOF\nat \\$(x) \\`y\\`\nEOF');
    assert.equal(fillPlaceholders("cat <<'EOF'\nat [when]\nEOF", { when: '$(x)' }).text, "cat <<'EOF'\nat $(x)\nEOF");
    assert.equal(fillPlaceholders('Started: [TIME]', { TIME: '10:00 UTC' }, 'text').text, 'Started: 10:00 UTC');
  });

  it('reads $(…) inside double quotes as a new quoting level: the inner "…" is its own string', () => {
    // The old scanner closed the outer quote at the inner one and wrote the value unquoted.
    assert.equal(fillPlaceholders('echo "$(echo "[name]")"', { name: '$(touch /tmp/x)' }).text, 'echo "$(echo "\\$(touch /tmp/x)")"');
    assert.equal(fillPlaceholders('echo "$(echo [name])"', { name: 'a b' }).text, 'echo "$(echo \'a b\')"');
  });

  it('never leaves `!` inside double quotes: the quote is closed around a single-quoted value', () => {
    assert.equal(fillPlaceholders('echo "hi [name]!"', { name: 'it\'s !!' }).text, 'echo "hi "\'it\'\\\'\'s !!\'"!"');
  });

  it('writes control characters as $\'\\ooo\' where the interpreter reads it, literally in sh and dash', () => {
    assert.equal(fillPlaceholders('printf %s [val]', { val: 'a\tb' }, 'bash').text, "printf %s $'a\\011b'");
    assert.equal(fillPlaceholders('printf %s [val]', { val: 'a\tb' }, 'dash').text, "printf %s 'a\tb'");
  });

  it('refuses backticks, $((…)) and a heredoc line that is the delimiter, naming the context; takes plain values there', () => {
    assert.deepEqual(fillPlaceholders('echo `cat [file]`', { file: 'a;b' }).refused.map((r) => [r.context, r.reason]), [['backtick', 'backtick']]);
    assert.equal(fillPlaceholders('echo `cat [file]`', { file: 'notes.txt' }).text, 'echo `cat notes.txt`');
    assert.deepEqual(fillPlaceholders('echo $(( [num] + 1 ))', { num: '1+x[$(id)]' }).refused.map((r) => r.reason), ['arithmetic']);
    assert.equal(fillPlaceholders('echo $(( [num] + 1 ))', { num: '41' }).text, 'echo $(( 41 + 1 ))');
    assert.deepEqual(fillPlaceholders('cat <<-EOF\n\t[body]\n\tEOF', { body: 'x\n\tEOF' }).refused.map((r) => r.reason), ['heredocDelimiter']);
  });
});
