// Loads the remote-operations bundle once (see remoteModule.ts). In the packaged extension
// dist/extension.js requires dist/remote.js; under tsc (tests) the same relative require finds
// out/src/remote/remoteModule.js.
import type * as remoteModule from './remoteModule';

export type RemoteModule = typeof remoteModule;

let loaded: RemoteModule | undefined;

export async function loadRemote(): Promise<RemoteModule> {
  // A plain require of a path esbuild leaves alone (see scripts/build.mjs): the bundle stays separate.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazily loaded bundle, by path
  loaded ??= require(REMOTE_MODULE) as RemoteModule;
  return loaded;
}

/** Replaced by the bundler with './remote.js'; tsc output keeps './remoteModule'. */
declare const INCIDENT_DESK_REMOTE_MODULE: string | undefined;
const REMOTE_MODULE = typeof INCIDENT_DESK_REMOTE_MODULE === 'string' ? INCIDENT_DESK_REMOTE_MODULE : './remoteModule';
