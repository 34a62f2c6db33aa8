// Deploys as evidence: the ledger's lines, and tags standing in for deploys the ledger does not
// know. What was live at a time, per service and env. Pure.
import picomatch from 'picomatch';
import type { LedgerEntry, LedgerKind, LedgerStatus } from './ledger';

/** A tag on a commit, with its date (the tagger's for an annotated tag, else the commit's). */
export interface TagInfo {
  readonly name: string;
  /** The commit the tag points to (peeled). */
  readonly sha: string;
  /** Epoch ms. */
  readonly at: number;
}

export interface Deploy {
  readonly sha: string;
  /** Epoch ms. */
  readonly at: number;
  /** Undefined for a tag: it counts for every env. */
  readonly env?: string;
  /** Undefined: the whole deploy, every service. */
  readonly service?: string;
  readonly host?: string;
  readonly status: LedgerStatus;
  readonly kind: LedgerKind;
  readonly from?: string;
  readonly by?: string;
  /** Where the evidence comes from: a ledger line, or a tag (thin evidence). */
  readonly source: 'ledger' | 'tag';
  /** The tag names, for a tag. */
  readonly tags?: readonly string[];
  /** Position in the evidence: among deploys at the same instant the later one wins. */
  readonly seq: number;
}

export interface Scope {
  readonly service?: string;
  readonly env: string;
}

/**
 * The ledger's entries as deploys, plus one deploy per tagged commit (at its earliest matching tag's
 * date) for the commits the ledger has nothing for.
 */
export function deploysFromEvidence(entries: readonly LedgerEntry[], tags: readonly TagInfo[], tagPatterns: readonly string[]): Deploy[] {
  const deploys: Deploy[] = entries.map((e, seq) => ({
    sha: e.sha, at: Date.parse(e.at), env: e.env, service: e.service, host: e.host, status: e.status, kind: e.kind, from: e.from, by: e.by, source: 'ledger', seq,
  }));
  const known = new Set(entries.map((e) => e.sha));
  const matches = tagPatterns.length ? picomatch([...tagPatterns], { dot: true }) : () => false;
  const byCommit = new Map<string, { at: number; names: string[] }>();
  for (const t of tags) {
    if (known.has(t.sha) || !Number.isFinite(t.at) || !matches(t.name)) continue;
    const seen = byCommit.get(t.sha);
    if (!seen) byCommit.set(t.sha, { at: t.at, names: [t.name] });
    else {
      seen.names.push(t.name);
      seen.at = Math.min(seen.at, t.at);
    }
  }
  let seq = deploys.length;
  for (const [sha, t] of byCommit) deploys.push({ sha, at: t.at, status: 'succeeded', kind: 'deploy', source: 'tag', tags: t.names.sort(), seq: seq++ });
  return deploys;
}

export function inScope(d: Pick<Deploy, 'env' | 'service'>, scope: Scope): boolean {
  return (d.env === undefined || d.env === scope.env) && (scope.service === undefined || d.service === undefined || d.service === scope.service);
}

function byTime(a: Deploy, b: Deploy): number {
  return a.at - b.at || a.seq - b.seq;
}

/** A stretch of time one commit was live: from its deploy until the next commit's. */
export interface LiveRun {
  readonly sha: string;
  readonly start: number;
  /** The next different commit's deploy; undefined: still live. */
  readonly end?: number;
  /** The deploys of this commit within the run (a redeploy of the live commit keeps it live). */
  readonly deploys: readonly Deploy[];
  /** The commit deployed at `end`. */
  readonly next?: string;
}

/** The succeeded deploys of one scope in time order, and what was live when. */
export class DeployHistory {
  readonly scope: Scope;
  /** Succeeded, in scope, by time. */
  readonly deploys: readonly Deploy[];
  readonly runs: readonly LiveRun[];
  /** Rollback lines in scope (any status: a rollback attempted away from a commit marks it). */
  readonly rollbacks: readonly Deploy[];

  constructor(all: readonly Deploy[], scope: Scope) {
    this.scope = scope;
    const scoped = all.filter((d) => inScope(d, scope));
    this.deploys = scoped.filter((d) => d.status === 'succeeded').sort(byTime);
    this.rollbacks = scoped.filter((d) => d.kind === 'rollback' && d.from !== undefined).sort(byTime);
    const runs: Array<{ sha: string; start: number; end?: number; deploys: Deploy[]; next?: string }> = [];
    for (const d of this.deploys) {
      const last = runs[runs.length - 1];
      if (last && last.sha === d.sha) last.deploys.push(d);
      else {
        if (last) {
          last.end = d.at;
          last.next = d.sha;
        }
        runs.push({ sha: d.sha, start: d.at, deploys: [d] });
      }
    }
    this.runs = runs;
  }

  /** The newest succeeded deploy at or before `t` (epoch ms), or undefined. */
  liveAt(t: number): Deploy | undefined {
    let lo = 0;
    let hi = this.deploys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.deploys[mid]!.at <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? this.deploys[lo - 1] : undefined;
  }

  /** The run live at `t`, or undefined. */
  runAt(t: number): LiveRun | undefined {
    let lo = 0;
    let hi = this.runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.runs[mid]!.start <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? this.runs[lo - 1] : undefined;
  }
}
