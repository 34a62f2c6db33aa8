import * as assert from 'node:assert/strict';
import { boldPartLabel, headingTitle, partOf, severityIn, severityLine } from '../../../../src/core/runbooks/sections';

describe('runbook sections', () => {
  it('drops leading emoji and mojibake, keeps words in any script', () => {
    assert.equal(headingTitle('\uf8ffüö® Incident Plan'), 'Incident Plan');
    assert.equal(headingTitle('‚ö° Power Outage'), 'Power Outage');
    assert.equal(headingTitle('ðŸš¨ **Site** down'), 'Site down');
    assert.equal(headingTitle('🔥🔥 Fire'), 'Fire');
    assert.equal(headingTitle('Сбой базы'), 'Сбой базы');
    assert.equal(headingTitle('Über alles'), 'Über alles');
    assert.equal(headingTitle('1. Servers'), '1. Servers');
    assert.equal(headingTitle('🚨'), '🚨');
  });

  it('normalises severities and ignores look-alikes', () => {
    assert.deepEqual(['P1 - Critical', 'Outage (P0)', 'SEV2 db', 'Sev 1', 'sev-3', 'High Error Rate (> 5%)', 'HTTP2 issues', 'Step 1'].map(severityIn), ['P1', 'P0', 'SEV2', 'SEV1', 'SEV3', undefined, undefined, undefined]);
    assert.deepEqual(['**Severity:** Critical', 'Severity: P2 (major)', '**Severity**: high -> critical', 'Severe weather'].map(severityLine), ['Critical', 'P2', 'High', undefined]);
  });

  it('recognises parts, also behind numbering and a one-word prefix', () => {
    assert.deepEqual(['Symptoms', '1. Immediate Action', 'Investigation', 'Resolution Steps', 'Procedures', 'Verification', 'Escalation Procedures', 'Communication Templates', 'Prevention', 'Post-Incident Checklist', 'Post-Mortem', 'CRITICAL - Immediate Actions', 'P1 Incident - Resolution', 'Resolution Notification', 'Database Connection Lost'].map(partOf),
      ['symptoms', 'immediate', 'diagnosis', 'resolution', 'resolution', 'verification', 'escalation', 'communication', 'prevention', 'postIncident', 'postIncident', 'immediate', undefined, undefined, undefined]);
    assert.deepEqual(boldPartLabel('**Resolution Steps**:'), { title: 'Resolution Steps', part: 'resolution' });
    assert.equal(boldPartLabel('**Last Updated:** 2026'), undefined);
    assert.equal(boldPartLabel('**Note:**'), undefined);
  });
});
