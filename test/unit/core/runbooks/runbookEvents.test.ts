import * as assert from 'node:assert/strict';
import { doneKeys, stepFinished, stepKey, stepMarked } from '../../../../src/core/runbooks/runbookEvents';
import type { TimelineEvent } from '../../../../src/core/timeline/events';

const ref = { runbook: 'runbooks/site-down.md', runbookTitle: 'Site down', section: 'Check', step: 'Restart the app', line: 12 };
const run = (n: number) => ({ command: `cmd ${n}`, target: 'local', runId: `run-${n}` });
const finished = (n: number, exitCode: number | undefined, met?: boolean): TimelineEvent =>
  stepFinished(ref, run(n), exitCode, 'Dana', `2026-11-22T03:0${n}:00.000Z`, met === undefined ? undefined : { pattern: 'ok', met }, exitCode === undefined ? 'connection lost' : undefined).event;

describe('doneKeys (a step run marks it done, or not)', () => {
  const key = stepKey(ref);

  it('a run whose commands all exit 0 is done; one whose later command fails is not', () => {
    assert.deepEqual([...doneKeys([finished(1, 0), finished(2, 0)])], [key]);
    assert.deepEqual([...doneKeys([finished(1, 0), finished(2, 1)])], []);
  });

  it('an unknown outcome or an expect not seen is not done', () => {
    assert.deepEqual([...doneKeys([finished(1, 0), finished(2, undefined)])], []);
    assert.deepEqual([...doneKeys([finished(1, 0, false)])], []);
  });

  it('the last mark or run wins', () => {
    assert.deepEqual([...doneKeys([finished(1, 1), stepMarked(ref, true, 'Dana', '2026-11-22T03:05:00.000Z').event])], [key]);
    assert.deepEqual([...doneKeys([stepMarked(ref, true, 'Dana', '2026-11-22T03:05:00.000Z').event, finished(6, 2)])], []);
  });
});
