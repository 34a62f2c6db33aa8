// What the wizard shows of a command's output: plain text, every escape sequence stripped even
// when a chunk boundary cuts one, CR-redrawn progress kept as its last state; events recorded in
// order and a refused record kept, never stopping the run.
import * as assert from 'node:assert/strict';
import { RunReport } from '../../../src/webviews/rollback/runReport';
import type { RunState } from '../../../src/webviews/rollback/protocolRun';

function report() {
  const sent: RunState[] = [];
  const out: Array<[number, string]> = [];
  const recorded: string[] = [];
  const r = new RunReport({
    send: (s) => sent.push(s), sendOutput: (i, t) => out.push([i, t]),
    record: async (type) => {
      recorded.push(type);
      if (type === 'rollback_failed') throw new Error('disk full');
    },
  }, { host: 'web-1', strategy: 'redeploy', from: 'b'.repeat(40), to: 'a'.repeat(40), commands: [{ command: 'x', label: 'x', state: 'pending', exitCode: null }] });
  return { r, sent, out, recorded };
}

describe('rollback run report', () => {
  it('strips escape sequences split across chunks, keeps text, flushes the last line at the end', () => {
    const { r, out } = report();
    r.chunk(0, 'stdout', Buffer.from('\x1b[31mred\x1b'));
    r.chunk(0, 'stdout', Buffer.from('[0m done\n\x1b]0;title\x07progress 10%\rprogress 100%\n'));
    r.chunk(0, 'stderr', 'warn: no newline');
    r.flush(0);
    assert.equal(out.map(([, t]) => t).join(''), 'red done\nprogress 100%\nwarn: no newline\n');
    assert.equal(r.output[0], 'red done\nprogress 100%\nwarn: no newline\n');
    assert.ok(!r.output[0]!.includes('\x1b'));
  });
  it('a UTF-8 character cut across two chunks arrives whole (the log pipeline\'s splitter)', () => {
    const { r } = report();
    const bytes = Buffer.from('déploiement ✓ fini\n', 'utf8');
    const cut = bytes.indexOf(0xe2) + 1; // inside the three bytes of ✓
    r.chunk(0, 'stdout', bytes.subarray(0, cut));
    r.chunk(0, 'stdout', bytes.subarray(cut));
    r.flush(0);
    assert.equal(r.output[0], 'déploiement ✓ fini\n');
  });
  it('each state change is sent as a copy; a record the store refuses is kept in order', async () => {
    const { r, sent, recorded } = report();
    r.setCommand(0, 'running');
    await r.record('rollback_started', 'started', {});
    await assert.rejects(r.record('rollback_failed', 'failed', {}), /disk full/);
    assert.deepEqual(recorded, ['rollback_started', 'rollback_failed']);
    assert.deepEqual(r.state.recorded.map((x) => x.type), ['rollback_started', 'rollback_failed']);
    assert.equal(sent[0]!.commands[0]!.state, 'running');
    r.state.commands[0]!.state = 'ok';
    assert.equal(sent[0]!.commands[0]!.state, 'running', 'a copy was sent');
  });
});
