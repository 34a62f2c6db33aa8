/** The parts of a host profile that fill placeholders. */
export interface ProfileFields {
  readonly host: string;
  readonly workDir?: string;
  readonly composeFile?: string;
  readonly healthUrl?: string;
}

/**
 * Values a host profile fills without asking: its address, work dir, compose file and health URL,
 * under the names runbooks use. Shared by the editor's Run Step and `incident-desk run --host`.
 */
export function profileValues(profile: ProfileFields): Record<string, string> {
  const v: Record<string, string> = { host: profile.host };
  if (profile.workDir) v.workdir = profile.workDir;
  if (profile.composeFile) Object.assign(v, { compose_file: profile.composeFile, 'compose-file': profile.composeFile });
  if (profile.healthUrl) Object.assign(v, { health_url: profile.healthUrl, 'health-url': profile.healthUrl });
  return v;
}
