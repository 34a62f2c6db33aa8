// The last stable commit for an incident, decided from evidence (deploys, incidents, rollbacks)
// and shown with it; the next candidates behind it, and why newer commits were passed over. Pure.
import { formatDuration, utcMinute } from '../util/time';
import { type Deploy, DeployHistory, type LiveRun, type Scope } from './deploys';

/** An incident as evidence: where and when it was declared. */
export interface IncidentFact {
  readonly id: string;
  readonly service: string;
  /** Epoch ms. */
  readonly declaredAt: number;
}

export interface StableQuery {
  readonly deploys: readonly Deploy[];
  readonly incidents: readonly IncidentFact[];
  readonly scope: Scope;
  /** The incident's start (or `--before`): candidates were deployed before it. Epoch ms. */
  readonly before: number;
  /** What the answer calls `before` in words: "the incident" or a time. */
  readonly beforeLabel: string;
  /** What is live is read at this time (now, or `--before`). Epoch ms. */
  readonly liveAt: number;
  readonly stableMinutes: number;
  /** How many candidates to list behind the stable one. */
  readonly maxCandidates?: number;
}

export interface LiveAnswer {
  readonly sha: string;
  readonly deployedAt: string;
  readonly source: Deploy['source'];
  readonly evidence: string[];
}

export interface Candidate {
  readonly sha: string;
  /** Its last deploy before the incident, ISO-8601 UTC. */
  readonly deployedAt: string;
  readonly source: Deploy['source'];
  readonly evidence: string[];
}

export interface Rejected {
  readonly sha: string;
  readonly deployedAt: string;
  /** Why it is not stable, one reason a string. */
  readonly reasons: string[];
}

export interface StableAnswer {
  readonly live: LiveAnswer | null;
  readonly stable: Candidate | null;
  readonly candidates: Candidate[];
  /** Commits deployed before the incident and passed over, newest first, with why. */
  readonly rejected: Rejected[];
  /** The stable commit's evidence is thin (a tag, not a deploy record). */
  readonly thin: boolean;
  /** Why there is no stable commit, when there is none. */
  readonly reason?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const when = (ms: number) => utcMinute(iso(ms));
const short = (sha: string) => sha.slice(0, 12);

function deployedWords(d: Deploy, count: number): string {
  if (d.source === 'tag') return `tagged ${d.tags!.join(', ')} at ${when(d.at)}`;
  const where = `${d.env}${d.service ? ` (${d.service})` : ''}${d.host ? ` on ${d.host}` : ''}`;
  const what = d.kind === 'rollback' ? `rolled back to, from ${short(d.from!)},` : 'deployed';
  return `${what} ${when(d.at)} to ${where} by ${d.by}: succeeded${count > 1 ? ` (deployed ${count} times in all)` : ''}`;
}

/** The answer for one incident (or time) and scope. */
export function findLastStable(q: StableQuery): StableAnswer {
  const history = new DeployHistory(q.deploys, q.scope);
  const minStay = q.stableMinutes * 60_000;
  const serviceWords = q.scope.service ?? 'any service';
  const incidents = q.incidents.filter((i) => q.scope.service === undefined || i.service === q.scope.service).sort((a, b) => a.declaredAt - b.declaredAt);

  const liveDeploy = history.liveAt(q.liveAt);
  const liveCount = liveDeploy ? history.deploys.filter((d) => d.sha === liveDeploy.sha && d.at <= q.liveAt).length : 0;
  const live: LiveAnswer | null = liveDeploy
    ? {
        sha: liveDeploy.sha,
        deployedAt: iso(liveDeploy.at),
        source: liveDeploy.source,
        evidence: [liveDeploy.source === 'tag' ? `no deploy record: newest tag at ${when(q.liveAt)} (${liveDeploy.tags!.join(', ')}, ${when(liveDeploy.at)})` : deployedWords(liveDeploy, liveCount)],
      }
    : null;

  // Each commit once, at its newest run that started before the incident; newest first.
  const runsBefore = history.runs.filter((r) => r.start < q.before);
  const seen = new Set<string>();
  const order: LiveRun[] = [];
  for (let i = runsBefore.length - 1; i >= 0; i--) {
    const r = runsBefore[i]!;
    if (!seen.has(r.sha)) {
      seen.add(r.sha);
      order.push(r);
    }
  }
  if (order.length === 0) {
    return { live, stable: null, candidates: [], rejected: [], thin: true, reason: `no deploy record and no deploy tag before ${q.beforeLabel}: no stable commit can be named from evidence` };
  }
  const newestTag = [...history.deploys].reverse().find((d) => d.source === 'tag' && d.at < q.before);

  const candidates: Candidate[] = [];
  const rejected: Rejected[] = [];
  for (const run of order) {
    const runs = runsBefore.filter((r) => r.sha === run.sha);
    const last = run.deploys[run.deploys.length - 1]!;
    const deploysOfSha = runs.flatMap((r) => r.deploys);
    const reasons: string[] = [];
    const evidence: string[] = [];
    if (last.source === 'tag') {
      evidence.push(last === newestTag ? `no deploy record: newest tag before ${q.beforeLabel} (${last.tags!.join(', ')}, ${when(last.at)})` : `no deploy record: tag ${last.tags!.join(', ')} at ${when(last.at)}`);
    } else evidence.push(deployedWords(last, deploysOfSha.length));

    if (live && live.sha === run.sha) reasons.push(`it is the live one (deployed ${when(liveDeploy!.at)})`);
    const faulty = history.rollbacks.filter((r) => r.from === run.sha && r.at <= q.liveAt);
    for (const f of faulty) reasons.push(`faulty: rolled back away from at ${when(f.at)}${f.by ? ` by ${f.by}` : ''} (to ${short(f.sha)}${f.status === 'failed' ? ', the rollback failed' : ''})`);
    let longest = 0;
    let longestRun = run;
    for (const r of runs) {
      const end = Math.min(r.end ?? q.liveAt, q.liveAt);
      const stay = end - r.start;
      if (stay > longest) {
        longest = stay;
        longestRun = r;
      }
      for (const inc of incidents) {
        if (inc.declaredAt >= r.start && (r.end === undefined || inc.declaredAt < r.end) && inc.declaredAt <= q.liveAt) {
          reasons.push(`suspect: live when incident ${inc.id} on ${inc.service} was declared at ${when(inc.declaredAt)}`);
        }
      }
    }
    const until = longestRun.end !== undefined && longestRun.end <= q.liveAt ? `until ${when(longestRun.end)}, when ${short(longestRun.next!)} was deployed` : `still live at ${when(q.liveAt)}`;
    if (longest < minStay) reasons.push(`live only ${formatDuration(longest)} (${until}), less than the ${formatDuration(minStay)} a stable commit stays`);
    else evidence.push(`live ${formatDuration(longest)} (${until}), at least ${formatDuration(minStay)}`);

    if (reasons.length) {
      rejected.push({ sha: run.sha, deployedAt: iso(last.at), reasons });
      continue;
    }
    evidence.push(`no incident on ${serviceWords} while it was live`);
    evidence.push('never rolled back away from');
    if (last.source === 'tag') evidence.push('thin evidence: a tag says it was released, not that it ran; its stay is counted from the tag dates');
    candidates.push({ sha: run.sha, deployedAt: iso(last.at), source: last.source, evidence });
    if (candidates.length > (q.maxCandidates ?? 5)) break;
  }
  const [stable, ...rest] = candidates;
  if (!stable) {
    return { live, stable: null, candidates: [], rejected, thin: false, reason: `none of the ${order.length} commit(s) deployed before ${q.beforeLabel} qualifies: each is listed with why` };
  }
  // Passed over on the way to the stable one; the ones after it matter less but are kept, briefly.
  return { live, stable, candidates: rest, rejected, thin: stable.source === 'tag' };
}
