// `incident-desk deploy record --sha <commit> …`: one ledger line appended to the commit's git note
// (refs/notes/deploys), for CI deploy jobs and scripts. Prints the line.
import * as os from 'node:os';
import * as path from 'node:path';
import { LEDGER_NOTES_REF, type LedgerEntry } from '../core/rollback/ledger';
import { isoNow } from '../core/util/time';
import { appendLedger, fetchLedger, pushLedger } from '../services/git/deployLedger';
import { GitError } from '../services/git/gitErrors';
import { openRepository } from '../services/git/gitRepository';
import type { DeployCliCommand } from './deployArgs';
import type { IncidentIo } from './postmortemCommand';

type RecordCommand = Extract<DeployCliCommand, { kind: 'deploy-record' }>;

export async function deployRecordCommand(command: RecordCommand, io: IncidentIo): Promise<number> {
  try {
    const repo = await openRepository(path.resolve(io.cwd, command.repo ?? '.'));
    const sha = await repo.resolveCommit(command.sha);
    const from = command.from !== undefined ? await repo.resolveCommit(command.from) : undefined;
    const by = command.by ?? ((await repo.raw(['config', '--get', 'user.name'], [1])).trim() || os.userInfo().username);
    const entry: LedgerEntry = {
      sha,
      ...(command.host ? { host: command.host } : {}),
      ...(command.service ? { service: command.service } : {}),
      env: command.env,
      status: command.status,
      at: command.at ?? isoNow(io.now),
      by,
      kind: from ? 'rollback' : 'deploy',
      ...(from ? { from } : {}),
    };
    // A CI checkout has not fetched the notes: merging the remote's ledger first lets the push that
    // follows fast-forward (fails soft: recorded here either way).
    const fetched = command.fetch ? await fetchLedger(repo) : undefined;
    if (fetched && !fetched.fetched && fetched.remote) io.err(`incident-desk: the remote's ledger was not merged first: ${fetched.reason}`);
    const line = await appendLedger(repo, entry);
    io.out(line);
    if (!command.push) {
      io.err(`recorded on ${sha.slice(0, 12)} in ${LEDGER_NOTES_REF}; share it with: git push origin ${LEDGER_NOTES_REF}`);
      return 0;
    }
    const pushed = await pushLedger(repo);
    if (!pushed.pushed) {
      io.err(`incident-desk: recorded on ${sha.slice(0, 12)} here, but not pushed: ${pushed.reason}`);
      return 1;
    }
    io.err(`recorded on ${sha.slice(0, 12)} in ${LEDGER_NOTES_REF} and pushed to ${pushed.remote}`);
    return 0;
  } catch (e) {
    if (!GitError.is(e)) throw e;
    io.err(`incident-desk: ${e.message}`);
    return GitError.is(e, 'badObjectName') || GitError.is(e, 'badLedgerEntry') ? 2 : 1;
  }
}
