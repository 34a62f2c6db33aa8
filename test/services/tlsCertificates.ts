// Certificates for a Docker daemon with --tlsverify and its clients, made with the openssl CLI in a
// folder the caller owns: a CA, a server certificate for 127.0.0.1 and localhost, a client
// certificate. Short-lived (2 days), EC keys (fast to make).
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

export interface TestCertificates {
  readonly dir: string;
  /** The CA certificate (for dockerd --tlscacert). */
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** ca.pem, cert.pem and key.pem, as DOCKER_CERT_PATH expects them. */
  readonly clientDir: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** `name` is a subfolder of `dir`: a CA, a server certificate for 127.0.0.1 and localhost, a client certificate: what `dockerd --tlsverify` and its clients use. */
export async function makeCertificates(dir: string, name: string): Promise<TestCertificates> {
  const d = path.join(dir, name);
  const clientDir = path.join(d, 'client');
  await fsp.mkdir(clientDir, { recursive: true });
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2', '-subj', `/CN=incident-desk test CA ${name}`], d);
  await fsp.writeFile(path.join(d, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], d);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'server-cert.pem', '-days', '2', '-extfile', 'server.ext'], d);
  await fsp.writeFile(path.join(d, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join('client', 'key.pem'), '-out', 'client.csr', '-subj', '/CN=client'], d);
  openssl(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', path.join('client', 'cert.pem'), '-days', '2', '-extfile', 'client.ext'], d);
  await fsp.copyFile(path.join(d, 'ca.pem'), path.join(clientDir, 'ca.pem'));
  return { dir: d, ca: path.join(d, 'ca.pem'), serverCert: path.join(d, 'server-cert.pem'), serverKey: path.join(d, 'server-key.pem'), clientDir };
}

