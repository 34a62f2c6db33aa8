// The last stable commit with everything it rests on, read from a repository: the ledger (fetched
// first when asked, failing soft), the deploy tags, the incidents given, and the risks of the range
// from the stable commit to the live one. What the CLI prints and the rollback wizard shows.
import { deploysFromEvidence } from '../../core/rollback/deploys';
import type { LedgerProblem } from '../../core/rollback/ledger';
import { type Risk, SHALLOW_RISK, rangeRisks } from '../../core/rollback/risks';
import { type StableAnswer, findLastStable } from '../../core/rollback/stable';
import type { StableRequest } from '../../core/rollback/stableRequest';
import { fetchLedger, readLedger } from './deployLedger';
import type { GitRepository } from './gitRepository';

export type { StableRequest } from '../../core/rollback/stableRequest';

export interface StableReport extends StableAnswer {
  readonly risks: Risk[];
  readonly ledger: {
    readonly entries: number;
    readonly problems: LedgerProblem[];
    readonly fetched: boolean;
    /** Why the remote's ledger was not fetched. */
    readonly fetchReason?: string;
  };
  /** Facts about the repository the answer should be read with (shallow clone, commits not here). */
  readonly notes: string[];
}

export async function lastStableReport(repo: GitRepository, req: StableRequest): Promise<StableReport> {
  const fetched = req.fetch ? await fetchLedger(repo) : { fetched: false, reason: 'not fetched (--no-fetch)' };
  const [ledger, tags] = await Promise.all([readLedger(repo), repo.tags()]);
  const answer = findLastStable({
    deploys: deploysFromEvidence(ledger.entries, tags, req.tagPatterns),
    incidents: req.incidents,
    scope: { env: req.env, service: req.service },
    before: req.before,
    beforeLabel: req.beforeLabel,
    liveAt: req.liveAt,
    stableMinutes: req.stableMinutes,
  });
  const notes: string[] = [];
  if (repo.shallow) notes.push('shallow clone: older commits and tags may be missing');
  let risks: Risk[] = [];
  if (answer.stable && answer.live) {
    const [haveStable, haveLive] = await Promise.all([repo.hasCommit(answer.stable.sha), repo.hasCommit(answer.live.sha)]);
    if (!haveStable) notes.push(`the stable commit ${answer.stable.sha.slice(0, 12)} is not in this repository: fetch it before rolling back`);
    if (haveStable && haveLive) risks = rangeRisks(await repo.rangeFacts(answer.stable.sha, answer.live.sha), req.migrationGlobs);
    else {
      if (!haveLive) risks.push({ kind: 'unreachable', detail: `the live commit ${answer.live.sha.slice(0, 12)} is not in this repository (history rewritten by a force push, or not fetched): what the rollback undoes cannot be shown` });
      if (repo.shallow) risks.push(SHALLOW_RISK);
    }
  }
  return {
    ...answer,
    risks,
    ledger: { entries: ledger.entries.length, problems: ledger.problems, fetched: fetched.fetched, fetchReason: fetched.reason },
    notes,
  };
}
