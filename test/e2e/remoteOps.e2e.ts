// Remote operations in the real UI, from the packaged extension: an SSH terminal to a host whose key
// is not known yet (the fingerprint question: Enter alone refuses, then answered with Trust once), a command typed into it,
// and a compose service's logs followed live from the local Docker engine. A real sshd and a real
// dockerd are started here (test/services) and stopped by pid. Takes the README screenshots.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { REPO_ROOT, launchChromium, packagedVsix, removeOnExit, startCodeServer } from '../runner/codeServer';
import type { CodeServer } from '../runner/codeServer';
import { ensureBusyboxImage } from '../services/busyboxImage';
import { composeLabels, runContainer } from '../services/containers';
import { startDockerd, type Dockerd } from '../services/dockerd';
import { startSshd, type Sshd } from '../services/sshd';
import { Workbench, dependentSteps, screenshotFailure } from './workbench';

const CONTAINER_ID = 'workbench.view.extension.incidentDesk';
const SCREENSHOTS = process.env.INCIDENT_DESK_SCREENSHOT_DIR ?? path.join(REPO_ROOT, 'docs', 'screenshots');
const HOST = 'prod-web-1';
/** A second host on the same server that logs in with a password (a user the sshd helper creates). */
const PASSWORD_HOST = 'db-1';
const PASSWORD_USER = 'incidentdesk-e2e';
const PASSWORD = `pw-${Math.random().toString(36).slice(2, 10)}`;

describe('e2e: remote operations (real sshd and dockerd)', function () {
  dependentSteps(this);
  this.timeout(120_000);
  let tmp: string;
  let dockerd: Dockerd | undefined;
  let sshd: Sshd | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let wb: Workbench;
  let container: Locator;

  /** What the terminal panel shows (xterm's DOM rows). */
  async function terminalText(): Promise<string> {
    return (await page.locator('.xterm-rows > div').allTextContents()).join('\n');
  }

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !page) return;
    await screenshotFailure(page, this.currentTest, path.join(REPO_ROOT, 'test-results'));
    console.log(`      terminal: ${JSON.stringify((await terminalText().catch(() => '')).slice(-800))}`);
  });

  before(async function () {
    this.timeout(240_000);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-e2e-remote-'));
    if (process.env.INCIDENT_DESK_KEEP_TEMP !== '1') removeOnExit(tmp);
    dockerd = await startDockerd();
    await ensureBusyboxImage(dockerd);
    for (const n of [1, 2]) {
      await runContainer(dockerd, { name: `shop-backend-${n}`, labels: composeLabels('shop', 'backend'), cmd: ['sh', '-c', `i=0; while true; do i=$((i+1)); echo "GET /api/orders/$i 200 $((i % 7 + 12))ms replica ${n}"; sleep 0.5; done`] });
    }
    sshd = await startSshd({ dockerHost: dockerd.dockerHost, password: { user: PASSWORD_USER, password: PASSWORD } });
    // The remote commands (run as the server's unprivileged user) write here.
    sshd.giveToUser(tmp);
    const workspace = path.join(tmp, 'demo');
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'demo-workspace.mjs'), workspace]);
    server = await startCodeServer({
      workspace,
      installExtensions: [packagedVsix()],
      env: { DOCKER_HOST: dockerd.dockerHost },
      settings: {
        'incidentDesk.actor': 'Dana',
        'workbench.colorTheme': 'Default Dark Modern',
        // The DOM renderer, so the terminal's text can be read (and the screenshot shows the same).
        'terminal.integrated.gpuAcceleration': 'off',
        // The key is deliberately not in any known_hosts: the user is asked.
        'incidentDesk.hosts': [
          { name: HOST, host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, workDir: tmp },
          { name: PASSWORD_HOST, host: '127.0.0.1', port: sshd.port, user: PASSWORD_USER },
        ],
        // Opt-in: a typed password is kept in SecretStorage (never in a file or setting).
        'incidentDesk.ssh.rememberPasswords': true,
      },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    wb = new Workbench(page);
    await page.goto(server.workbenchUrl());
    await wb.ready();
    container = await wb.openViewContainer('Incident Desk', CONTAINER_ID);
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await sshd?.stop();
    await dockerd?.stop();
    if (tmp && process.env.INCIDENT_DESK_KEEP_TEMP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists the host in the Hosts view', async () => {
    await wb.treeRow(container, HOST).first().waitFor({ timeout: 30_000 });
    await wb.treeRow(container, 'Local Docker engine').first().waitFor({ timeout: 10_000 });
  });

  it('SSH terminal: asks about the unknown host key with its fingerprint; Enter alone refuses; "Trust once" gives a real shell', async () => {
    await wb.runCommand('Incident: Open SSH Terminal');
    await wb.waitForQuickPick(new RegExp(HOST));
    await wb.pickQuickPickItem(HOST, new RegExp(HOST));
    // The question: a quick pick showing the key type and SHA256 fingerprint, Refuse first.
    const question = await wb.waitForQuickPick(/Refuse \(default\)/);
    assert.match(question.title, /Unknown host key for prod-web-1/);
    assert.ok(question.title.includes(`ssh-ed25519 ${sshd!.hostKeyFingerprint}`), `the question shows ${sshd!.hostKeyFingerprint}: ${question.title}`);
    assert.match(question.rows[0] ?? '', /^Refuse \(default\)/, JSON.stringify(question.rows));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'ssh-host-key.png') });
    // Enter without choosing anything must not trust: the connection is cancelled.
    await page.keyboard.press('Enter');
    await wb.until('the refusal in the terminal', async () => /was not trusted; connection cancelled/.test(await terminalText()), 30_000);
    assert.doesNotMatch(sshd!.readLog(), /Accepted publickey/, 'nothing logged in');
    // Enter in the terminal connects again; nothing was trusted, so it asks again: now "Trust once".
    await page.locator('.terminal-wrapper.active .xterm').click();
    await page.keyboard.press('Enter');
    await wb.waitForQuickPick(/Trust once/);
    await wb.pickQuickPickItem('Trust once', /^Trust once/);
    await wb.until('the remote prompt', async () => /[#$]\s*$/m.test(await terminalText()), 30_000);
    await page.keyboard.type("echo answer=$((6*7)); docker ps --format '{{.Names}}' | sort");
    await page.keyboard.press('Enter');
    await wb.until('the command output in the terminal', async () => {
      const t = await terminalText();
      return t.includes('answer=42') && t.includes('shop-backend-2');
    }, 30_000);
    await wb.hideNotifications();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'ssh-terminal.png') });
  });

  it('password login: asked in a password box once, then taken from SecretStorage on reconnect', async () => {
    await wb.runCommand('Incident: Open SSH Terminal');
    await wb.waitForQuickPick(new RegExp(PASSWORD_HOST));
    await wb.pickQuickPickItem(PASSWORD_HOST, new RegExp(`^${PASSWORD_HOST}`));
    const prompt = page.locator('.quick-input-widget .quick-input-message');
    await wb.until('the password box', async () => {
      const s = await wb.quickInputState();
      // The key of this server was trusted once in the previous test; answer again if asked.
      if (s?.rows.some((r) => /^Trust once/.test(r))) await wb.pickQuickPickItem('Trust once', /^Trust once/);
      return s !== undefined && s.rows.length === 0 && s.value === '' && /Password for/.test((await prompt.textContent().catch(() => '')) ?? '');
    }, 30_000);
    assert.match((await prompt.textContent()) ?? '', new RegExp(`Password for ${PASSWORD_USER}@127\\.0\\.0\\.1 \\(${PASSWORD_HOST}\\)`));
    assert.equal(await page.locator('.quick-input-widget .quick-input-box input').getAttribute('type'), 'password', 'the password is masked');
    await wb.typeAndEnter(PASSWORD);
    /** The db-1 terminal's text since its latest "Connecting…" line (the prod-web-1 terminal is on screen too). */
    const sinceConnecting = async (): Promise<string> => {
      const t = await terminalText();
      const at = t.lastIndexOf(`Connecting to ${PASSWORD_HOST}`);
      return at < 0 ? '' : t.slice(at);
    };
    await wb.until('the shell of the password user', async () => /^\$\s*$/m.test(await sinceConnecting()), 30_000);
    await page.keyboard.type('echo "user=$(id -un) pw-$((40+2))"');
    await page.keyboard.press('Enter');
    await wb.until('the command output', async () => (await terminalText()).includes(`user=${PASSWORD_USER} pw-42`), 30_000);
    // End the shell: the terminal says so and waits for Enter; Enter connects again.
    await page.keyboard.type('exit');
    await page.keyboard.press('Enter');
    // This terminal's own offer, after its shell ended (the host-key test left the same words in the other terminal).
    await wb.until('the offer to reconnect', async () => new RegExp(`The shell on ${PASSWORD_HOST} ended[^]*Press Enter to connect again`).test(await sinceConnecting()), 30_000);
    await page.keyboard.press('Enter');
    // No password box this time: the stored password logs in. (Keys typed into a box would go there
    // instead, and the command below would never reach a shell.)
    await wb.until('a new shell', async () => {
      const t = await terminalText();
      const after = t.slice(t.lastIndexOf('Nothing is re-run.'));
      return after.includes(`Connecting to ${PASSWORD_HOST}`) && /^\$\s*$/m.test(await sinceConnecting());
    }, 30_000);
    assert.equal(await wb.isQuickInputOpen(), false, 'no password asked on reconnect');
    await page.keyboard.type('echo "again-$((1+1))"');
    await page.keyboard.press('Enter');
    await wb.until('the command output after the reconnect', async () => (await terminalText()).includes('again-2'), 30_000);
  });

  it('Follow Docker Logs: a compose service, live, both replicas prefixed', async () => {
    await wb.runCommand('Incident: Follow Docker Logs');
    await wb.waitForQuickPick(/Local Docker engine/);
    await wb.pickQuickPickItem('Local Docker', /Local Docker engine/);
    await wb.waitForQuickPick(/backend/);
    await wb.pickQuickPickItem('backend', /backend.*compose service/);
    await wb.waitForQuickPick(/Last 200 lines/);
    await wb.pickQuickPickItem('Last 200 lines', /^Last 200 lines/);
    await wb.until('live lines of both replicas', async () => {
      const t = await terminalText();
      // Prefixed the way `docker compose logs` does: the service's container name without the project.
      return /backend-1\s*\|\s*GET \/api\/orders/.test(t) && /backend-2\s*\|\s*GET \/api\/orders/.test(t);
    }, 30_000);
    await wb.hideNotifications();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'docker-logs.png') });
  });
});
