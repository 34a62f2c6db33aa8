import { redactEvent } from '../redaction/redactEvent';
import type { RedactOptions } from '../redaction/redact';
import type { Change } from './actions';
import { applyEvent, changesRecord } from './replay';

/**
 * The change with its event redacted: what reaches the timeline, the record, the extension's storage
 * of unsaved changes and the log is the redacted event. A state-changing event is applied by the one
 * replay rule (as changeOf does), so the record takes the redacted values too (a declared title).
 */
export async function redactChange(id: string, change: Change, options?: RedactOptions): Promise<Change> {
  const { event, kinds } = await redactEvent(change.event, options);
  if (kinds.length === 0) return change;
  return { event, apply: changesRecord(event) ? (cur) => applyEvent(cur, event, id) : change.apply };
}
