// The rollback wizard's first two steps in the real UI, from the packaged extension, on a
// workspace whose repository this test builds (fixed dates; the deploy ledger written by the CLI):
// opened from the palette, the last stable commit preselected with its evidence, another candidate
// chosen with the arrow keys, an option-like commit refused, the preview with the commits undone
// and the migration risk, Next held until the acknowledgement is ticked with Space. A commit subject
// holding markup renders as text with zero CSP violations; after a window reload the wizard is
// back on its step. Then the whole way on a real sshd host (its work dir a clone of the workspace,
// its `deploy` commands checking out the target and serving it with busybox httpd): the Strategy
// with its exact commands, the Run with live output, Verify with its checks and probes, Record
// with the ledger line and the revert branch offer. README screenshots (dark theme).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { REPO_ROOT, packagedVsix, removeOnExit, startCodeServer } from '../runner/codeServer';
import type { CodeServer } from '../runner/codeServer';
import { RepoBuilder } from '../unit/services/git/gitFixture';
import { startSshd, type Sshd } from '../services/sshd';
import type { Workbench } from './workbench';
import { dependentSteps, openWorkbench, screenshotFailure } from './workbench';

const SCREENSHOTS = process.env.INCIDENT_DESK_SCREENSHOT_DIR ?? path.join(REPO_ROOT, 'docs', 'screenshots');
const FAILURES = path.join(REPO_ROOT, 'test-results');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const ID = '2026-11-20-checkout-coupons';
const TITLE = 'Checkout fails on coupon codes';
const XSS_SUBJECT = 'Render coupon names <img src=x onerror=alert(1)>';

/** The workspace: incidents/ and the app in one repository; v1 and v2 deployed and stable, v4 live when the incident began. */
function buildWorkspace(dir: string): { c1: string; c2: string; c3: string; c4: string } {
  const repo = RepoBuilder.init(dir);
  const inc = path.join('incidents', ID);
  const c1 = repo.commit('Initial checkout service', '2026-11-18T09:00:00Z', {
    'app.js': 'console.log("checkout v1");\n', 'docker-compose.yml': 'services:\n  checkout-api:\n    build: .\n',
    [path.join(inc, 'incident.yaml')]: ['version: 1', `id: ${ID}`, `title: ${TITLE}`, 'severity: P2', 'status: investigating', 'service: checkout-api', "summary: ''", 'roles: {}',
      'declaredAt: 2026-11-20T09:00:00.000Z', 'declaredBy: Dana', 'lastUpdateAt: 2026-11-20T09:00:00.000Z', 'escalationsReached: []', ''].join('\n'),
    [path.join(inc, 'timeline.jsonl')]: `${JSON.stringify({ id: '01JE0000000000000000000001', ts: '2026-11-20T09:00:00.000Z', type: 'declared', actor: 'Dana', text: `Declared P2 incident on checkout-api: ${TITLE}`, data: { title: TITLE, severity: 'P2', service: 'checkout-api', summary: '' } })}\n`,
  });
  repo.tag('v1.0.0', c1, '2026-11-18T09:05:00Z');
  const c2 = repo.commit('Faster cart totals', '2026-11-19T09:00:00Z', { 'app.js': 'console.log("checkout v2");\n' });
  const c3 = repo.commit('Add the coupons table', '2026-11-19T12:00:00Z', { 'db/migrate/20261119_coupons.sql': 'create table coupons (code text primary key);\n' });
  const c4 = repo.commit(XSS_SUBJECT, '2026-11-19T15:00:00Z', { 'app.js': 'console.log("checkout v4");\n' });
  const record = (sha: string, at: string) => execFileSync(process.execPath, [CLI, 'deploy', 'record', '--sha', sha, '--service', 'checkout-api', '--at', at, '--by', 'Dana', '--no-fetch'], { cwd: dir, stdio: 'pipe' });
  record(c1, '2026-11-18T10:00:00Z');
  record(c2, '2026-11-19T09:30:00Z');
  record(c4, '2026-11-20T08:00:00Z');
  return { c1, c2, c3, c4 };
}

interface WizardState {
  title: string;
  step: string;
  checked: string | null;
  evidence: string[];
  commits: string[];
  risks: string[];
  typedError: string;
  nextReady: string | null;
  nextDisabled: boolean;
  cspViolations: string | undefined;
  injected: string[];
}

const STATE = `(() => {
  if (document.body.dataset.app !== 'rollback') return null;
  const root = document.querySelector('rollback-app')?.shadowRoot;
  const h1 = root?.querySelector('h1');
  if (!root || !h1) return null;
  const checked = root.querySelector('input[type=radio]:checked');
  const choice = checked?.closest('.choice');
  const next = root.querySelector('vscode-button.next');
  return {
    title: h1.textContent, step: root.querySelector('.step-status')?.textContent ?? '',
    checked: checked ? checked.value : null,
    evidence: choice ? [...choice.querySelectorAll('.evidence li')].map((l) => l.textContent) : [],
    commits: [...root.querySelectorAll('tr.commit .subject')].map((e) => e.textContent.trim()),
    risks: [...root.querySelectorAll('li.risk')].map((e) => e.dataset.kind),
    typedError: root.querySelector('.typed-error')?.textContent ?? '',
    nextReady: next?.getAttribute('data-ready') ?? null, nextDisabled: !!next?.hasAttribute('disabled'),
    cspViolations: document.body.dataset.cspViolations,
    injected: [...root.querySelectorAll('img, script, iframe, svg, a')].map((e) => e.outerHTML.slice(0, 80)).concat([...document.querySelectorAll('img, iframe')].map((e) => e.outerHTML.slice(0, 80))),
  };
})()`;

describe('e2e: the rollback wizard (target and preview)', function () {
  dependentSteps(this);
  let tmp: string;
  let workspace: string;
  let shas: ReturnType<typeof buildWorkspace>;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let wb: Workbench;
  let frame: Frame;
  let sshd: Sshd | undefined;
  let hostWork: string;

  const state = async (): Promise<WizardState | undefined> => ((await frame.evaluate(STATE).catch(() => null)) as WizardState | null) ?? undefined;
  const until = (what: string, test: (s: WizardState) => boolean) => wb.until(what, async () => { const s = await state(); return s && test(s) ? s : undefined; }, 30_000);

  before(async function () {
    this.timeout(180_000);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-e2e-rollback-'));
    if (process.env.INCIDENT_DESK_KEEP_TEMP !== '1') removeOnExit(tmp);
    workspace = path.join(tmp, 'shop');
    shas = buildWorkspace(workspace);
    // The host: a loopback sshd whose login user owns a clone of the workspace, at the live commit.
    sshd = await startSshd();
    hostWork = path.join(tmp, 'host', 'shop');
    execFileSync('git', ['clone', '-q', workspace, hostWork]);
    execFileSync('git', ['-C', hostWork, 'checkout', '-q', '--detach', shas.c4]);
    sshd.giveToUser(path.join(tmp, 'host'));
    execFileSync('chown', ['-R', `${sshd.user}:`, path.join(tmp, 'host')]);
    const knownHosts = path.join(tmp, 'known_hosts');
    fs.writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
    const port = 20_000 + (process.pid % 20_000);
    const serve = `if [ -f ../httpd.pid ]; then kill "$(cat ../httpd.pid)" 2>/dev/null; sleep 0.3; fi; nohup busybox httpd -f -p 127.0.0.1:${port} -h "$PWD" >/dev/null 2>&1 & echo $! > ../httpd.pid; echo "serving \${short_sha} on port ${port}"`;
    server = await startCodeServer({ workspace, installExtensions: [packagedVsix()], settings: {
      'incidentDesk.actor': 'Dana', 'workbench.colorTheme': 'Default Dark Modern',
      'incidentDesk.ssh.knownHostsFiles': [knownHosts],
      'incidentDesk.rollback.health': { consecutive: 2, windowSeconds: 20, intervalSeconds: 1 },
      'incidentDesk.hosts': [{ name: 'shop-1', host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFile: sshd.userKeyPath, workDir: hostWork,
        healthUrl: `http://127.0.0.1:${port}/app.js`, deploy: ['git checkout --quiet --detach ${sha}', serve] }],
    } });
    ({ browser, page, wb } = await openWorkbench(server, { width: 1400, height: 1000 }));
  });

  afterEach(async function () {
    await screenshotFailure(page, this.currentTest, FAILURES);
  });

  after(async function () {
    this.timeout(30_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    try {
      process.kill(Number(fs.readFileSync(path.join(tmp, 'host', 'httpd.pid'), 'utf8')));
    } catch {
      // never started
    }
    await sshd?.stop();
    if (tmp && process.env.INCIDENT_DESK_KEEP_TEMP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('opens from the palette with the last stable commit preselected and its evidence', async function () {
    this.timeout(120_000);
    // The extension is active (its SLA clock is in the status bar): its commands are in the palette.
    await page.locator('.statusbar-item', { hasText: /P2 / }).first().waitFor({ timeout: 60_000 });
    await wb.runCommand('Incident: Roll Back');
    frame = await wb.until('the rollback wizard', async () => {
      for (const f of page.frames()) {
        const s = (await f.evaluate(STATE).catch(() => null)) as WizardState | null;
        if (s && s.title.includes(TITLE) && s.checked) return f;
      }
      return undefined;
    }, 90_000);
    const s = await until('the stable commit', (x) => x.checked === shas.c2);
    assert.equal(s.step, 'Step 1 of 6: Target');
    assert.ok(s.evidence.some((e) => /deployed 2026-11-19 09:30 UTC to production \(checkout-api\) by Dana/.test(e)), JSON.stringify(s.evidence));
    assert.ok(s.evidence.some((e) => /no incident on checkout-api/.test(e)), JSON.stringify(s.evidence));
    const live = (await frame.locator('rollback-app .live').textContent()) ?? '';
    assert.match(live, new RegExp(shas.c4.slice(0, 12)));
    assert.match(live, /Render coupon names <img src=x onerror=alert\(1\)>/);
    const passed = (await frame.locator('rollback-app details.rejected').textContent()) ?? '';
    assert.match(passed, new RegExp(`${shas.c4.slice(0, 12)}[\\s\\S]*it is the live one[\\s\\S]*suspect: live when incident ${ID}`));
  });

  it('moves to the next candidate with the arrow keys', async () => {
    await frame.locator('rollback-app input[type=radio]:checked').focus();
    await page.keyboard.press('ArrowDown');
    const s = await until('the candidate chosen', (x) => x.checked === shas.c1);
    assert.ok(s.evidence.some((e) => /deployed 2026-11-18 10:00 UTC/.test(e)), JSON.stringify(s.evidence));
    await page.keyboard.press('ArrowUp');
    await until('the stable commit chosen again', (x) => x.checked === shas.c2);
  });

  it('refuses an option-like commit with a clear message; git never sees it', async () => {
    const out = path.join(tmp, 'pwned-output');
    await frame.locator('rollback-app #typed-name input').focus();
    await page.keyboard.type(`--output=${out}`);
    await page.keyboard.press('Enter');
    const s = await until('the refusal', (x) => x.typedError !== '');
    assert.match(s.typedError, /starts with "-" \(git would read it as an option\)/);
    assert.equal(fs.existsSync(out), false);
    assert.equal(s.checked, shas.c2, 'the choice is unchanged');
    await frame.locator('rollback-app #typed-name input').fill('');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await wb.hideNotifications();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'rollback-wizard-target.png') });
  });

  it('previews the commits undone and the migration risk; Next waits for the acknowledgement, ticked with Space', async () => {
    await frame.locator('rollback-app vscode-button.next').click();
    const s = await until('the preview', (x) => x.step === 'Step 2 of 6: Preview' && x.commits.length > 0);
    assert.deepEqual(s.commits, [XSS_SUBJECT, 'Add the coupons table']);
    assert.ok(s.risks.includes('migration'), JSON.stringify(s.risks));
    assert.equal(s.nextReady, 'false');
    assert.equal(s.nextDisabled, true);
    await frame.locator('rollback-app #ack-migration').focus();
    await page.keyboard.press('Space');
    const after = await until('the acknowledgement', (x) => x.nextReady === 'true');
    const why = (await frame.locator('rollback-app #next-why').textContent()) ?? '';
    assert.equal(why.trim(), '');
    assert.equal(after.cspViolations, '0');
    assert.deepEqual(after.injected, []);
    await wb.hideNotifications();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'rollback-wizard-preview.png') });
  });

  it('comes back after a window reload on the step it was at, its data read again', async function () {
    this.timeout(150_000);
    const loaded = page.waitForEvent('load', { timeout: 90_000 });
    await wb.runCommand('Developer: Reload Window').catch(() => undefined);
    await loaded;
    await wb.ready();
    frame = await wb.until('the rollback wizard after the reload', async () => {
      for (const f of page.frames()) {
        const s = (await f.evaluate(STATE).catch(() => null)) as WizardState | null;
        if (s && s.title.includes(TITLE) && s.commits.length > 0) return f;
      }
      return undefined;
    }, 120_000);
    const s = await until('the preview restored', (x) => x.step === 'Step 2 of 6: Preview' && x.nextReady === 'true');
    assert.deepEqual(s.commits, [XSS_SUBJECT, 'Add the coupons table']);
    await frame.locator('rollback-app vscode-button.back').click();
    await until('back on the target step, the stable commit chosen', (x) => x.step === 'Step 1 of 6: Target' && x.checked === shas.c2);
    assert.equal((await state())?.cspViolations, '0');
  });

  it('the whole way on the host: Strategy with its exact commands, Run with live output, Verify, Record with the ledger line and the revert branch', async function () {
    this.timeout(240_000);
    const text = async (sel: string) => ((await frame.locator(`rollback-app ${sel}`).allTextContents()).join('\n'));
    await frame.locator('rollback-app vscode-button.next').click();
    await until('the preview again', (x) => x.step === 'Step 2 of 6: Preview' && x.commits.length > 0);
    // The same range as before the reload: still acknowledged.
    if (!(await frame.locator('rollback-app #ack-migration').isChecked())) {
      await frame.locator('rollback-app #ack-migration').focus();
      await page.keyboard.press('Space');
    }
    await until('the acknowledgement', (x) => x.nextReady === 'true');
    await frame.locator('rollback-app vscode-button.next').click();
    await until('the strategies', (x) => x.step === 'Step 3 of 6: Strategy');
    await wb.until('the host\'s commands', async () => ((await text('.strategy[data-strategy=redeploy] pre.command')).includes(`git checkout --quiet --detach ${shas.c2}`) ? true : undefined), 60_000);
    assert.equal(await frame.locator('rollback-app .strategy[data-strategy=redeploy] input').isChecked(), true, 'redeploy preselected for a host with a profile');
    assert.match(await text('.strategy[data-strategy=revert]'), /revert --no-edit/);
    await wb.hideNotifications();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'rollback-wizard-strategy.png') });
    await frame.locator('rollback-app vscode-button.next').click();
    await until('the confirmation', (x) => x.step === 'Step 4 of 6: Run');
    assert.match(await text('.box.confirm'), new RegExp(`git checkout --quiet --detach ${shas.c2}`));
    await frame.locator('rollback-app vscode-button.run').focus();
    await page.keyboard.press('Enter');
    await wb.until('the rollback verified', async () => ((await text('.outcome')).includes('Verified') ? true : undefined), 120_000);
    assert.match(await text('pre.output'), new RegExp(`serving ${shas.c2.slice(0, 12)}`));
    assert.equal(execFileSync('git', ['-c', 'safe.directory=*', '-C', hostWork, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim(), shas.c2);
    await wb.hideNotifications();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'rollback-wizard-run.png') });
    await frame.locator('rollback-app vscode-button.next').click();
    await until('the verify step', (x) => x.step === 'Step 5 of 6: Verify');
    assert.match(await text('.check[data-name=health]'), /answered 2 times in a row from the host/);
    assert.match(await text('.check[data-name=liveCommit]'), new RegExp(`runs ${shas.c2.slice(0, 12)}`));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'rollback-wizard-verify.png') });
    await frame.locator('rollback-app vscode-button.next').click();
    await until('the record step', (x) => x.step === 'Step 6 of 6: Record');
    assert.match(await text('.recorded'), /rollback_started[\s\S]*rollback_verified/);
    assert.match(await text('pre.ledger'), new RegExp(`"sha":"${shas.c2}"`));
    assert.match(await text('.box.warn'), /an auto-deploy on push would otherwise ship the bad commit again/);
    await frame.locator('rollback-app vscode-button.make-branch').click();
    await wb.until('the revert branch', async () => ((await text('.box.revert')).includes(`rollback/${ID}`) ? true : undefined), 60_000);
    const s = await state();
    assert.equal(s?.cspViolations, '0');
    assert.deepEqual(s?.injected, []);
    await wb.hideNotifications();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'rollback-wizard-record.png') });
  });
});
