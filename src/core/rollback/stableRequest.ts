// What the last-stable question asks, built the same way by the CLI (`incident-desk stable`) and
// the rollback wizard: the incident's start (or a time) as the bound, the incidents as evidence,
// the three settings normalised. Pure.
import { isoNow, utcMinute } from '../util/time';
import { normalizeMigrationGlobs, normalizeStableMinutes, normalizeTagPatterns } from './deploySettings';
import type { IncidentFact } from './stable';

export const DEFAULT_ENV = 'production';

export interface StableRequest {
  readonly incidents: readonly IncidentFact[];
  readonly service?: string;
  readonly env: string;
  /** Candidates were deployed before this (the incident's start, or a time). Epoch ms. */
  readonly before: number;
  readonly beforeLabel: string;
  /** Live is read at this time. Epoch ms. */
  readonly liveAt: number;
  readonly tagPatterns: readonly string[];
  readonly stableMinutes: number;
  readonly migrationGlobs: readonly string[];
  /** Fetch the remote's ledger first (fails soft). */
  readonly fetch: boolean;
}

export interface StableRequestInput {
  /** The incident asked about; its service scopes the answer unless `service` says otherwise. */
  readonly incident?: { readonly id: string; readonly service: string; readonly declaredAt: string };
  /** Without an incident: candidates before this time (epoch ms); live is read at it too. */
  readonly before?: number;
  readonly service?: string;
  readonly env?: string;
  /** Every incident known (evidence: a commit live when one was declared is suspect). */
  readonly incidents: readonly IncidentFact[];
  /** A setting's raw value by key (`deploy.tagPatterns`, `deploy.stableMinutes`, `rollback.migrationGlobs`). */
  readonly setting: (key: 'deploy.tagPatterns' | 'deploy.stableMinutes' | 'rollback.migrationGlobs') => unknown;
  readonly now: number;
  readonly fetch: boolean;
}

export function stableRequest(i: StableRequestInput): StableRequest {
  const before = i.incident ? Date.parse(i.incident.declaredAt) : i.before ?? i.now;
  return {
    incidents: i.incidents,
    service: i.service ?? i.incident?.service,
    env: i.env ?? DEFAULT_ENV,
    before,
    beforeLabel: i.incident ? `incident ${i.incident.id} (declared ${utcMinute(i.incident.declaredAt)})` : utcMinute(isoNow(before)),
    liveAt: !i.incident && i.before !== undefined ? before : i.now,
    tagPatterns: normalizeTagPatterns(i.setting('deploy.tagPatterns')),
    stableMinutes: normalizeStableMinutes(i.setting('deploy.stableMinutes')),
    migrationGlobs: normalizeMigrationGlobs(i.setting('rollback.migrationGlobs')),
    fetch: i.fetch,
  };
}
