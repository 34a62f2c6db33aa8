import * as assert from 'node:assert/strict';
import { KNOWN_ROLES, ROLE_LABELS, STATUSES, STATUS_LABELS, isActive, isStatus } from '../../../../src/core/incidents/model';

describe('incident model', () => {
  it('knows the four statuses, in lifecycle order, each with a label', () => {
    assert.deepEqual([...STATUSES], ['investigating', 'identified', 'monitoring', 'resolved']);
    assert.deepEqual(STATUSES.map((s) => STATUS_LABELS[s]), ['Investigating', 'Identified', 'Monitoring', 'Resolved']);
  });

  it('isStatus accepts exactly those', () => {
    for (const s of STATUSES) assert.ok(isStatus(s));
    for (const s of ['Resolved', 'closed', '', undefined, null, 1, ['resolved']]) assert.ok(!isStatus(s), String(s));
  });

  it('only resolved ends an incident', () => {
    assert.deepEqual(STATUSES.map((status) => isActive({ status })), [true, true, true, false]);
  });

  it('labels every known role', () => {
    for (const r of KNOWN_ROLES) assert.ok(ROLE_LABELS[r], r);
    assert.equal(ROLE_LABELS.commander, 'Incident Commander');
  });
});
