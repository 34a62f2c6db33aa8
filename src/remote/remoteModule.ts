// The remote-operations code (ssh2, dockerode, ssh-config and our adapters over them), built as its
// own bundle (dist/remote.js) and loaded on first use through loadRemote(): activation never parses
// it, and a user who never opens a terminal or a log view never pays for it. Explicit re-exports,
// the one entry point of that bundle (not a barrel for convenience).
export { connectSsh } from '../services/ssh/sshConnection';
export { SshError } from '../services/ssh/sshError';
export { TrustStore } from '../services/ssh/trustStore';
export { knownHostsFilesOf, knownHostsSources } from '../services/ssh/knownHostsFiles';
export { defaultSshConfigEnv, readSshConfig, userSshConfigFile } from '../services/ssh/sshConfig';
export { mergeHostProfiles } from '../services/ssh/hostProfiles';
export { systemSshArgs } from '../services/ssh/systemSsh';
export { createDockerClient } from '../services/docker/dockerClient';
export { DockerError } from '../services/docker/dockerError';
export { describeDockerEndpoint, resolveDockerEndpoint, sshEndpointProfile } from '../services/docker/dockerEndpoint';
export { groupByProject, listContainers } from '../services/docker/containers';
export { followLogs } from '../services/docker/logFollower';
export { restartContainer, statsSnapshot } from '../services/docker/containerActions';
export { readLiveCommit } from '../services/ssh/liveCommit';
export { openRepository } from '../services/git/gitRepository';
export { GitError } from '../services/git/gitErrors';
export { lastStableReport } from '../services/git/lastStable';
export { detectComposeCommand } from '../services/ssh/composeCommand';
export { followToEnd, readDetachedState } from '../services/ssh/detachedCommand';
export { runRollback } from '../services/rollback/runRollback';
export { verifyRollback } from '../services/rollback/verify';
export { probeFromHere } from '../services/rollback/probeHere';
export { makeRevertBranch, planRevertBranch, pushRevertBranch } from '../services/git/revertBranch';
export { appendLedger } from '../services/git/deployLedger';
export { describeOwnLockRelease, releaseOwnLock } from '../services/rollback/ownLock';
