// The packaged extension, installed into a real code-server, driven like a user would: open the
// Incident Desk container, declare an incident from the command palette with the keyboard only,
// see it in the tree and on disk, acknowledge it. Also takes the README screenshots.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT, packagedVsix, removeOnExit, startCodeServer } from '../runner/codeServer';
import type { CodeServer } from '../runner/codeServer';
import type { Workbench } from './workbench';
import { dependentSteps, openWorkbench, screenshotFailure } from './workbench';

const TITLE = 'Checkout returns 502';
const SLUG = 'checkout-returns-502';
const SERVICE = 'checkout-api';
const CONTAINER_ID = 'workbench.view.extension.incidentDesk';
const SCREENSHOTS = process.env.INCIDENT_DESK_SCREENSHOT_DIR ?? path.join(REPO_ROOT, 'docs', 'screenshots');
const FAILURES = path.join(REPO_ROOT, 'test-results');

interface TimelineLine {
  ts: string;
  type: string;
  actor: string;
  text: string;
}


function dayStamps(): string[] {
  const now = new Date();
  const local = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return [now.toISOString().slice(0, 10), local];
}

function withoutDurations(text: string): string {
  return text.replace(/\d+\s*[smhd]\b/g, '#');
}

function readTimeline(file: string): TimelineLine[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as TimelineLine);
}

describe('e2e: declare and acknowledge an incident', function () {
  dependentSteps(this);
  let tmp: string;
  let workspace: string;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let wb: Workbench;
  let container: Locator;
  let incidentDir: string;
  let descriptionBeforeAck: string;

  before(async function () {
    this.timeout(180_000);
    const vsix = packagedVsix();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-e2e-'));
    if (process.env.INCIDENT_DESK_KEEP_TEMP !== '1') removeOnExit(tmp);
    workspace = path.join(tmp, 'workspace');
    fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
    // A fixed actor: screenshots and timelines do not depend on this machine's git user.name.
    server = await startCodeServer({ workspace, installExtensions: [vsix], settings: { 'incidentDesk.actor': 'Dana' } });
    ({ browser, page, wb } = await openWorkbench(server, { width: 1280, height: 800 }));
  });

  afterEach(async function () {
    await screenshotFailure(page, this.currentTest, FAILURES);
  });

  after(async function () {
    this.timeout(30_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (tmp && process.env.INCIDENT_DESK_KEEP_TEMP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('opens the Incident Desk view container from the activity bar', async () => {
    container = await wb.openViewContainer('Incident Desk', CONTAINER_ID);
    await container.locator('.pane-header').filter({ hasText: /Incidents/i }).first().waitFor({ timeout: 20_000 });
    await wb.resizeSideBar(460); // room for the row descriptions in the screenshots
  });

  it('declares an incident from the command palette, keyboard only', async function () {
    this.timeout(60_000);
    await wb.runCommand('Incident: Declare Incident');
    const titleStep = await wb.waitForInputBox();
    await wb.typeAndEnter(TITLE);

    const severityStep = await wb.waitForQuickPick(/^P\d ·/);
    assert.ok(severityStep.rows.length >= 3, `expected a severity scale, got ${JSON.stringify(severityStep.rows)}`);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'declare-incident.png') });
    await wb.pickQuickPickItem('P2', /^P2 ·/);

    await wb.waitForInputBox(severityStep.title || titleStep);
    await wb.typeAndEnter(SERVICE);
    await wb.until('the declare flow to close', async () => !(await wb.isQuickInputOpen()));
  });

  it('shows the incident in the Incidents tree', async () => {
    const row = wb.treeRow(container, TITLE);
    await row.first().waitFor({ timeout: 20_000 });
    descriptionBeforeAck = (await row.first().locator('.label-description').textContent()) ?? '';
  });

  it('writes incidents/<date>-<slug>/incident.yaml and a declared event', async () => {
    const root = path.join(workspace, 'incidents');
    const id = await wb.until('the incident folder', async () =>
      fs.existsSync(root) ? fs.readdirSync(root).find((d) => d.endsWith(`-${SLUG}`) && fs.existsSync(path.join(root, d, 'incident.yaml'))) : undefined);
    assert.ok(dayStamps().includes(id.slice(0, 10)), `folder ${id} is not dated today`);
    assert.equal(id.slice(10), `-${SLUG}`);
    incidentDir = path.join(root, id);
    const record = parseYaml(fs.readFileSync(path.join(incidentDir, 'incident.yaml'), 'utf8')) as Record<string, unknown>;
    assert.equal(record.title, TITLE);
    assert.equal(record.severity, 'P2');
    assert.equal(record.service, SERVICE);
    const events = readTimeline(path.join(incidentDir, 'timeline.jsonl'));
    assert.ok(events.some((e) => e.type === 'declared'), `no declared event in ${JSON.stringify(events)}`);
  });

  it('acknowledges it from the palette and the tree row changes', async function () {
    this.timeout(60_000);
    const timeline = path.join(incidentDir, 'timeline.jsonl');
    await wb.runCommand('Incident: Acknowledge');
    // With one unacknowledged incident there may be no picker; if there is one, pick ours.
    let picked = false;
    await wb.until('an acknowledged event', async () => {
      if (readTimeline(timeline).some((e) => e.type === 'acknowledged')) return true;
      if (!picked && (await wb.quickInputState())?.rows.some((r) => r.includes(TITLE))) {
        picked = true;
        await wb.pickQuickPickItem(TITLE, new RegExp(TITLE));
      }
      return undefined;
    });
    const row = wb.treeRow(container, TITLE).first();
    // The description also ticks with elapsed time ("5s", "1m 05s"): compare it without durations.
    const after = await wb.until('the tree row description to change', async () => {
      const text = (await row.locator('.label-description').textContent({ timeout: 1000 }).catch(() => null)) ?? '';
      return withoutDurations(text) !== withoutDurations(descriptionBeforeAck) ? text : undefined;
    });
    assert.notEqual(withoutDurations(after), withoutDurations(descriptionBeforeAck));
    // The row's inline Acknowledge action is only offered while unacknowledged.
    await wb.until('the inline Acknowledge action to go', async () => (await row.locator('.actions [aria-label="Acknowledge"]').count()) === 0);
    const record = parseYaml(fs.readFileSync(path.join(incidentDir, 'incident.yaml'), 'utf8')) as Record<string, unknown>;
    assert.equal(typeof record.acknowledgedAt, 'string');
  });

  it('runs a runbook step from the Runbooks tree: confirm, terminal, exit status on the timeline', async function () {
    this.timeout(90_000);
    const runbooks = container.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /Runbooks/i }) });
    const expand = async (text: string) => {
      const row = wb.treeRow(runbooks, text).first();
      await row.waitFor({ timeout: 20_000 });
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    };
    await expand('Integration check');
    await expand('Immediate actions');
    const step = wb.treeRow(runbooks, 'Write the marker').first();
    await step.waitFor({ timeout: 20_000 });
    await step.hover();
    await step.locator('.actions [aria-label="Run Runbook Step"]').click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 20_000 });
    const text = (await dialog.textContent()) ?? '';
    assert.match(text, /Run "Write the marker"\?/);
    assert.match(text, /echo incident-desk-ok > runbook-ran\.txt/, 'the dialog does not show the exact command');
    assert.match(text, /local terminal/);
    assert.match(text, new RegExp(`recorded on ${path.basename(incidentDir)} \\(${TITLE}\\)`), 'the dialog does not name the incident');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'runbook-run-confirm.png') });
    await dialog.locator('a.monaco-button, .monaco-button', { hasText: /^Run$/ }).first().click();
    const marker = path.join(workspace, 'runbook-ran.txt');
    await wb.until('the step to write its marker', async () => fs.existsSync(marker) || undefined, 30_000);
    const timeline = path.join(incidentDir, 'timeline.jsonl');
    const finished = await wb.until('the finished event', async () => readTimeline(timeline).find((e) => e.type === 'runbook_step_finished'), 30_000);
    assert.match(finished.text, /exit 0/);
    await page.locator('.terminal-wrapper, .xterm').first().waitFor({ timeout: 10_000 });
    await wb.hideNotifications();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'runbooks-tree.png') });
  });

  it('a dangerous step: warning icon, and Run asks for the service typed out; a wrong name does not run it', async function () {
    this.timeout(90_000);
    fs.copyFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'runbooks', 'dangerous', 'scratch.md'), path.join(workspace, 'runbooks', 'scratch-cleanup.md'));
    const canary = path.join(workspace, 'scratch-canary');
    fs.mkdirSync(canary);
    fs.writeFileSync(path.join(canary, 'keep'), 'still here');
    const runbooks = container.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: /Runbooks/i }) });
    // The view is short: filter it down to the new runbook rather than scroll.
    await wb.runCommand('Incident: Filter Runbooks');
    await wb.waitForInputBox();
    await wb.typeAndEnter('scratch');
    for (const text of ['Scratch space cleanup', 'Resolution']) {
      const row = wb.treeRow(runbooks, text).first();
      await row.waitFor({ timeout: 30_000 });
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    }
    const step = wb.treeRow(runbooks, 'Wipe the scratch folder').first();
    await step.waitFor({ timeout: 20_000 });
    assert.equal(await step.locator('.codicon-warning').count(), 1, 'no warning icon on the dangerous step');
    await step.hover();
    await step.locator('.actions [aria-label="Run Runbook Step"]').click();
    const asked = await wb.until('the typed confirmation', async () => {
      const s = await wb.quickInputState();
      return s && /Dangerous/.test(s.title) ? s : undefined;
    });
    assert.match(asked.title, new RegExp(`Type ${SERVICE} to run it`));
    const prompt = (await wb.quickInput.textContent()) ?? '';
    assert.match(prompt, /rm -rf deletes files recursively without asking/);
    assert.match(prompt, new RegExp(`recorded on ${path.basename(incidentDir)}`));
    await page.keyboard.type('checkout');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(1000);
    assert.equal((await wb.quickInputState())?.value, 'checkout', 'a wrong name closed the question');
    assert.ok(fs.existsSync(path.join(canary, 'keep')), 'a wrong name ran the step');
    await page.keyboard.press('Control+A');
    await wb.typeAndEnter(SERVICE);
    await wb.until('the step to delete the scratch folder', async () => !fs.existsSync(canary), 30_000);
    await wb.runCommand('Incident: Clear Runbook Filter');
  });

  it('takes the Incidents tree screenshot', async () => {
    await wb.until('the palette to close', async () => !(await wb.isQuickInputOpen()));
    await wb.hideNotifications();
    await wb.treeRow(container, TITLE).first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'incidents-tree.png') });
  });
});
