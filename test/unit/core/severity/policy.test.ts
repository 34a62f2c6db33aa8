import * as assert from 'node:assert/strict';
import { PRESETS, buildPolicy, findLevel, severityRank } from '../../../../src/core/severity/policy';

describe('severity policy', () => {
  describe('presets', () => {
    it('P1-P4 has exactly P1 Critical 15 min, P2 High 60, P3 Medium 240, P4 Low 1440', () => {
      const levels = PRESETS['P1-P4'];
      assert.deepEqual(levels.map((l) => l.id), ['P1', 'P2', 'P3', 'P4']);
      assert.deepEqual(levels.map((l) => l.label), ['Critical', 'High', 'Medium', 'Low']);
      assert.deepEqual(levels.map((l) => l.responseMinutes), [15, 60, 240, 1440]);
      assert.deepEqual(levels.map((l) => l.updateMinutes), [30, 60, 240, 1440]);
    });

    it('P0-P3 has the same targets with ids shifted down by one', () => {
      const levels = PRESETS['P0-P3'];
      assert.deepEqual(levels.map((l) => l.id), ['P0', 'P1', 'P2', 'P3']);
      assert.deepEqual(levels.map((l) => l.label), ['Critical', 'High', 'Medium', 'Low']);
      assert.deepEqual(levels.map((l) => l.responseMinutes), [15, 60, 240, 1440]);
      assert.deepEqual(levels.map((l) => l.updateMinutes), [30, 60, 240, 1440]);
      PRESETS['P0-P3'].forEach((l, i) => assert.deepEqual(l.escalation, PRESETS['P1-P4'][i].escalation));
    });

    it('escalation chains start with the on-call engineer at 0 and are ordered by time', () => {
      assert.deepEqual(PRESETS['P1-P4'][0].escalation, [
        { afterMinutes: 0, notify: 'On-call engineer' },
        { afterMinutes: 15, notify: 'Team lead' },
        { afterMinutes: 30, notify: 'Engineering manager' },
        { afterMinutes: 60, notify: 'CTO' },
      ]);
      for (const level of [...PRESETS['P1-P4'], ...PRESETS['P0-P3']]) {
        assert.deepEqual(level.escalation[0], { afterMinutes: 0, notify: 'On-call engineer' });
        const times = level.escalation.map((s) => s.afterMinutes);
        assert.deepEqual(times, [...times].sort((a, b) => a - b), level.id);
        assert.ok(level.description, `${level.id} has a description`);
      }
    });
  });

  describe('buildPolicy: choosing the scale', () => {
    it('defaults to P1-P4 with no errors when nothing is set', () => {
      const p = buildPolicy(undefined, undefined);
      assert.equal(p.levels, PRESETS['P1-P4']);
      assert.deepEqual(p.errors, []);
    });

    it('uses P0-P3 when chosen and the custom list is empty or null', () => {
      for (const custom of [[], null, undefined]) {
        const p = buildPolicy('P0-P3', custom);
        assert.equal(p.levels, PRESETS['P0-P3']);
        assert.deepEqual(p.errors, []);
      }
    });

    it('reports an unknown scale and falls back to P1-P4', () => {
      for (const scale of ['P5-P9', 42, '', 'p1-p4']) {
        const p = buildPolicy(scale, []);
        assert.equal(p.levels, PRESETS['P1-P4']);
        assert.equal(p.errors.length, 1);
        assert.match(p.errors[0], /incidentDesk\.severityScale/);
        assert.ok(p.errors[0].includes(JSON.stringify(scale)), p.errors[0]);
      }
    });
  });

  describe('buildPolicy: custom severities', () => {
    it('accepts valid entries, in the order given, with defaults filled', () => {
      const p = buildPolicy('P1-P4', [
        { id: 'SEV1', label: '  Outage  ', description: 'Everything is down', responseMinutes: 5, updateMinutes: 10,
          escalation: [{ afterMinutes: 20, notify: ' VP ' }, { afterMinutes: 0, notify: 'On-call' }] },
        { id: 'SEV2', responseMinutes: 30 },
      ]);
      assert.deepEqual(p.errors, []);
      assert.deepEqual(p.levels, [
        { id: 'SEV1', label: 'Outage', description: 'Everything is down', responseMinutes: 5, updateMinutes: 10,
          escalation: [{ afterMinutes: 0, notify: 'On-call' }, { afterMinutes: 20, notify: 'VP' }] },
        // no label: the id; no updateMinutes: the response target; no escalation: none
        { id: 'SEV2', label: 'SEV2', description: undefined, responseMinutes: 30, updateMinutes: 30, escalation: [] },
      ]);
    });

    it('reports unknown fields (a misspelt updateMinutes) but keeps the entry', () => {
      const p = buildPolicy(undefined, [
        { id: 'SEV1', label: 'Outage', responseMinutes: 10, updateMinute: 5, escalation: [{ afterMinutes: 0, notify: 'On-call', email: 'x@y' }] },
      ]);
      assert.equal(p.levels.length, 1);
      assert.equal(p.levels[0].updateMinutes, 10, 'the misspelt field is not used');
      assert.deepEqual(p.levels[0].escalation, [{ afterMinutes: 0, notify: 'On-call' }]);
      assert.equal(p.errors.length, 2, p.errors.join('\n'));
      assert.match(p.errors[0], /incidentDesk\.severities\[0\]\.updateMinute: unknown field/);
      assert.match(p.errors[1], /incidentDesk\.severities\[0\]\.escalation\[0\]\.email: unknown field/);
    });

    it('leaves out entries with bad numbers, naming the entry and the field', () => {
      const bad: Array<[unknown, RegExp]> = [
        [{ id: 'A', responseMinutes: 0 }, /\[0\]\.responseMinutes/],
        [{ id: 'A', responseMinutes: -5 }, /\[0\]\.responseMinutes/],
        [{ id: 'A', responseMinutes: '15' }, /\[0\]\.responseMinutes/],
        [{ id: 'A', responseMinutes: Number.NaN }, /\[0\]\.responseMinutes/],
        [{ id: 'A', responseMinutes: Number.POSITIVE_INFINITY }, /\[0\]\.responseMinutes/],
        [{ id: 'A' }, /\[0\]\.responseMinutes/],
        [{ id: 'A', responseMinutes: 10, updateMinutes: 0 }, /\[0\]\.updateMinutes/],
        [{ id: 'A', responseMinutes: 10, updateMinutes: 'often' }, /\[0\]\.updateMinutes/],
        [{ id: 'A', responseMinutes: 10, escalation: 'boss' }, /\[0\]\.escalation: must be a list/],
        [{ id: 'A', responseMinutes: 10, escalation: [{ afterMinutes: -1, notify: 'Boss' }] }, /\[0\]\.escalation\[0\]/],
        [{ id: 'A', responseMinutes: 10, escalation: [{ afterMinutes: 5, notify: '   ' }] }, /\[0\]\.escalation\[0\]/],
        [{ id: 'A', responseMinutes: 10, escalation: [{ afterMinutes: 0, notify: 'x' }, null] }, /\[0\]\.escalation\[1\]/],
      ];
      for (const [entry, where] of bad) {
        const p = buildPolicy(undefined, [entry, { id: 'OK', responseMinutes: 10 }]);
        assert.deepEqual(p.levels.map((l) => l.id), ['OK'], JSON.stringify(entry));
        assert.equal(p.errors.length, 1, JSON.stringify(entry));
        assert.match(p.errors[0], where);
        assert.match(p.errors[0], /^incidentDesk\.severities\[0\]/);
      }
    });

    it('leaves out bad ids and non-object entries', () => {
      const p = buildPolicy(undefined, [
        { id: '', responseMinutes: 1 }, { id: 'has space', responseMinutes: 1 }, { id: 'x'.repeat(17), responseMinutes: 1 },
        { id: 42, responseMinutes: 1 }, null, 'P1', 7, { id: 'x'.repeat(16), responseMinutes: 1 },
      ]);
      assert.deepEqual(p.levels.map((l) => l.id), ['x'.repeat(16)]);
      assert.equal(p.errors.length, 7);
      p.errors.slice(0, 4).forEach((e, i) => assert.match(e, new RegExp(`^incidentDesk\\.severities\\[${i}\\]\\.id:`)));
      p.errors.slice(4).forEach((e, i) => assert.match(e, new RegExp(`^incidentDesk\\.severities\\[${i + 4}\\]: must be an object`)));
    });

    it('keeps the first of duplicate ids and reports the second', () => {
      const p = buildPolicy(undefined, [
        { id: 'SEV1', label: 'First', responseMinutes: 5 },
        { id: 'SEV1', label: 'Second', responseMinutes: 50 },
        { id: 'SEV2', responseMinutes: 60 },
      ]);
      assert.deepEqual(p.levels.map((l) => `${l.id}:${l.label}`), ['SEV1:First', 'SEV2:SEV2']);
      assert.equal(p.errors.length, 1);
      assert.match(p.errors[0], /severities\[1\]\.id: SEV1 is listed twice/);
    });

    it('falls back to the chosen preset with an error when no entry is valid', () => {
      const p = buildPolicy('P0-P3', [{ id: 'A' }, { id: 'B', responseMinutes: -1 }]);
      assert.equal(p.levels, PRESETS['P0-P3']);
      assert.equal(p.errors.length, 3);
      assert.match(p.errors[2], /No valid entry in incidentDesk\.severities; using the P0-P3 scale/);
    });

    it('falls back to the preset when severities is not a list', () => {
      for (const custom of [{ id: 'P1' }, 'P1', 3]) {
        const p = buildPolicy('P1-P4', custom);
        assert.equal(p.levels, PRESETS['P1-P4']);
        assert.equal(p.errors.length, 1);
        assert.match(p.errors[0], /must be a list/);
      }
    });
  });

  describe('findLevel and severityRank', () => {
    it('finds levels by id and ranks unknown ids after every known one', () => {
      const p = buildPolicy('P0-P3', []);
      assert.equal(findLevel(p, 'P0')?.label, 'Critical');
      assert.equal(findLevel(p, 'P4'), undefined);
      assert.deepEqual(['P0', 'P1', 'P2', 'P3', 'SEV9'].map((id) => severityRank(p, id)), [0, 1, 2, 3, 4]);
    });
  });
});
