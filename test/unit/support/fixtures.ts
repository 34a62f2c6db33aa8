import type { Incident } from '../../../src/core/incidents/model';
import type { SeverityLevel } from '../../../src/core/severity/policy';
import { PRESETS } from '../../../src/core/severity/policy';

export const T0 = Date.parse('2026-11-22T14:00:00.000Z');
export const MIN = 60_000;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A valid active incident declared at T0; override what a test is about. */
export function sampleIncident(over: Partial<Incident> = {}): Incident {
  return {
    version: 1,
    id: '2026-11-22-checkout-returns-502',
    title: 'Checkout returns 502',
    severity: 'P1',
    status: 'investigating',
    service: 'checkout',
    summary: 'Customers cannot pay',
    roles: {},
    declaredAt: iso(T0),
    declaredBy: 'Dana',
    acknowledgedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    lastUpdateAt: null,
    escalationsReached: [],
    ...over,
  };
}

export function presetLevel(id: string, scale: 'P1-P4' | 'P0-P3' = 'P1-P4'): SeverityLevel {
  const level = PRESETS[scale].find((l) => l.id === id);
  if (!level) throw new Error(`no ${id} in ${scale}`);
  return level;
}

/** A hand-written-looking incident.yaml for `id`, one field per line in a known order. */
export function recordText(id = '2026-11-22-checkout'): string {
  return [
    'version: 1',
    `id: ${id}`,
    'title: Checkout returns 502',
    'severity: P1',
    'status: investigating',
    'service: checkout',
    'declaredAt: 2026-11-22T14:05:00.000Z',
    '',
  ].join('\n');
}
