// Prints the folder to hand node-gyp as `--nodedir`: the one holding include/node/ with the C
// headers of the Node that runs this script (the `node` on PATH, which also runs code-server).
// Without a nodedir node-gyp downloads the headers from nodejs.org, which a machine behind a
// registry mirror or offline cannot reach; and a user's ~/.npmrc `nodedir=` must not be what makes
// set-up work. Looked for, in order:
//   INCIDENT_DESK_NODEDIR (when set, the only place looked at: e.g. an unpacked headers tarball)
//   the prefix Node is installed under (/usr/bin/node -> /usr; nvm's …/v20.x/bin/node -> …/v20.x),
//   also after resolving links (Homebrew).
// The headers must be this Node's exact version. Exit 1 with what to install when none fit.
import * as fs from 'node:fs';
import * as path from 'node:path';

const version = process.version.replace(/^v/, '');
const override = process.env.INCIDENT_DESK_NODEDIR;

function prefixOf(execPath) {
  return path.dirname(path.dirname(execPath));
}

function headersVersion(dir) {
  let text;
  try {
    text = fs.readFileSync(path.join(dir, 'include', 'node', 'node_version.h'), 'utf8');
  } catch {
    return undefined;
  }
  const part = (name) => new RegExp(`^#define NODE_${name}_VERSION (\\d+)`, 'm').exec(text)?.[1];
  const [major, minor, patch] = [part('MAJOR'), part('MINOR'), part('PATCH')];
  return major && minor && patch ? `${major}.${minor}.${patch}` : 'unknown';
}

const candidates = override
  ? [path.resolve(override)]
  : [...new Set([prefixOf(process.execPath), prefixOf(fs.realpathSync(process.execPath))])];

const seen = [];
for (const dir of candidates) {
  const found = headersVersion(dir);
  if (found === version && fs.existsSync(path.join(dir, 'include', 'node', 'common.gypi'))) {
    process.stdout.write(`${dir}\n`);
    process.exit(0);
  }
  const at = path.join(dir, 'include', 'node');
  if (found === undefined) seen.push(`  ${at}: no node_version.h`);
  else if (found !== version) seen.push(`  ${at}: headers of Node ${found}, not of this Node ${version}`);
  else seen.push(`  ${at}: no common.gypi (incomplete headers)`);
}

process.stderr.write(
  [
    `The C headers of Node v${version} (${process.execPath}) are not on this machine:`,
    ...seen,
    `code-server's native modules (node-pty, argon2, kerberos, ...) are compiled against them, and`,
    `without them node-gyp would try to download them from nodejs.org. Install them, then run again:`,
    `  - Node from Debian's or Ubuntu's own nodejs package: apt-get install libnode-dev`,
    `    (it provides /usr/include/node; it must be the same version as the nodejs package)`,
    `  - NodeSource's nodejs package, nvm, fnm, Volta, Homebrew or a nodejs.org tarball ship them in`,
    `    <prefix>/include/node: reinstall Node if that folder is missing`,
    `  - or unpack node-v${version}-headers.tar.gz (https://nodejs.org/download/release/v${version}/)`,
    `    and set INCIDENT_DESK_NODEDIR to the node-v${version} folder it contains`,
    '',
  ].join('\n'),
);
process.exit(1);
