// The Getting Started walkthrough, in the real UI, from the packaged extension: opened from the
// palette (Welcome: Open Walkthrough…), each step done through its own button the way a new user
// would, and each step checked by VS Code only once the real thing happened (a cancelled declare
// checks nothing). A real dockerd (test/services) gives the logs step a live compose service.
//
// Also makes the walkthrough's step images: after each step, the part of the UI it is about is
// captured in the dark and the light theme into media/walkthrough/<step>-<theme>.png (override the
// folder with INCIDENT_DESK_WALKTHROUGH_MEDIA_DIR). They are committed and packaged in the .vsix; every
// e2e run refreshes them, and the unit test test/unit/walkthrough.test.ts fails when one is missing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { REPO_ROOT, launchChromium, packagedVsix, removeOnExit, startCodeServer } from '../runner/codeServer';
import type { CodeServer } from '../runner/codeServer';
import { ensureBusyboxImage } from '../services/busyboxImage';
import { composeLabels, runContainer } from '../services/containers';
import { startDockerd, type Dockerd } from '../services/dockerd';
import { zipEntries } from '../../bench/packageSize';
import { VSIX_TARGET_BYTES } from '../../bench/targets';
import { Workbench, dependentSteps, screenshotFailure } from './workbench';
import { STEPS, WalkthroughPage, captureInThemes } from './walkthroughPage';

const CONTAINER_ID = 'workbench.view.extension.incidentDesk';
const MEDIA = process.env.INCIDENT_DESK_WALKTHROUGH_MEDIA_DIR ?? path.join(REPO_ROOT, 'media', 'walkthrough');
const SCREENSHOTS = process.env.INCIDENT_DESK_SCREENSHOT_DIR ?? path.join(REPO_ROOT, 'docs', 'screenshots');
const TITLE = 'Practice: shop returns 502';
const GUIDE = 'Shop web is down';
const SSH_HOST = 'shop-1';

describe('e2e: the Getting Started walkthrough', function () {
  dependentSteps(this);
  this.timeout(90_000);
  let tmp: string;
  let home: string;
  let workspace: string;
  let dockerd: Dockerd | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let wb: Workbench;
  let walk: WalkthroughPage;
  let container: Locator;

  const pane = (name: string): Locator => container.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: new RegExp(`^${name}`, 'i') }) });
  const incidentRecord = (): string | undefined => {
    const root = path.join(workspace, 'incidents');
    if (!fs.existsSync(root)) return undefined;
    return fs.readdirSync(root).find((d) => fs.existsSync(path.join(root, d, 'incident.yaml')));
  };
  const capture = (name: string, target: Locator | (() => Promise<Buffer>)) => captureInThemes(page, wb, MEDIA, name, target);

  before(async function () {
    this.timeout(300_000);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-e2e-walk-'));
    if (process.env.INCIDENT_DESK_KEEP_TEMP !== '1') removeOnExit(tmp);
    dockerd = await startDockerd();
    await ensureBusyboxImage(dockerd);
    await runContainer(dockerd, { name: 'shop-web-1', labels: composeLabels('shop', 'web'), cmd: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "GET /cart/$i 502 upstream timed out"; sleep 0.5; done'] });
    // A new team's folder: nothing recorded yet, an empty runbooks/ to drop their guide into, and an
    // empty home (no ~/.ssh/config yet), so every step starts undone.
    workspace = path.join(tmp, 'shop');
    fs.mkdirSync(path.join(workspace, 'runbooks'), { recursive: true });
    home = path.join(tmp, 'home');
    fs.mkdirSync(home);
    server = await startCodeServer({
      workspace,
      installExtensions: [packagedVsix()],
      env: { HOME: home, DOCKER_HOST: dockerd.dockerHost },
      // No "keybindings don't go to the terminal" prompt in the pictures.
      settings: { 'incidentDesk.actor': 'Dana', 'terminal.integrated.gpuAcceleration': 'off', 'terminal.integrated.showTerminalConfigPrompt': false },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    wb = new Workbench(page);
    walk = new WalkthroughPage(page, wb, 'Get started with Incident Desk');
    await page.goto(server.workbenchUrl());
    await wb.ready();
    container = await wb.openViewContainer('Incident Desk', CONTAINER_ID);
    await wb.resizeSideBar(400);
  });

  afterEach(async function () {
    await screenshotFailure(page, this.currentTest, path.join(REPO_ROOT, 'test-results'));
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await dockerd?.stop();
    if (tmp && process.env.INCIDENT_DESK_KEEP_TEMP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('opens from Welcome: Open Walkthrough… and shows the five steps, none done', async () => {
    await walk.open();
    assert.deepEqual(await walk.stepIds(), ['declare', 'runbooks', 'host', 'logs', 'resolve']);
    for (const id of await walk.stepIds()) assert.equal(await walk.isChecked(id), false, `${id} is checked before anything was done`);
  });

  it('declare: a cancelled declare leaves the step unchecked', async () => {
    await walk.clickButton('declare', 'Declare Incident');
    await wb.waitForInputBox();
    await page.keyboard.press('Escape');
    await wb.until('the declare flow to close', async () => !(await wb.isQuickInputOpen()));
    // Nothing written, nothing checked (onCommand would have checked it already).
    await page.waitForTimeout(1000);
    assert.equal(incidentRecord(), undefined);
    assert.equal(await walk.isChecked('declare'), false);
  });

  it('declare: the step\'s button declares an incident, and the step is checked', async () => {
    await walk.clickButton('declare', 'Declare Incident');
    const titleStep = await wb.waitForInputBox();
    await wb.typeAndEnter(TITLE);
    const severity = await wb.waitForQuickPick(/^P\d ·/);
    await wb.pickQuickPickItem('P3', /^P3 ·/);
    await wb.waitForInputBox(severity.title || titleStep);
    await wb.typeAndEnter('web');
    await walk.waitChecked('declare');
    assert.ok(incidentRecord(), 'no incident record on disk');
    await wb.treeRow(container, TITLE).first().waitFor({ timeout: 20_000 });
    await wb.hideNotifications();
    await capture('declare', pane('Incidents'));
  });

  it('runbooks: a guide dropped into runbooks/ is listed with its steps, and the step is checked', async () => {
    await walk.clickButton('runbooks', 'Show Runbooks');
    const runbooks = pane('Runbooks');
    await wb.treeRow(runbooks, 'Backup failed').first().waitFor({ timeout: 20_000 }); // the shipped ones are listed
    assert.equal(await walk.isChecked('runbooks'), false, 'checked before the team guide was there');
    fs.copyFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'walkthrough', 'shop-web-down.md'), path.join(workspace, 'runbooks', 'shop-web-down.md'));
    const expand = async (text: string) => {
      const row = wb.treeRow(runbooks, text).first();
      await row.waitFor({ timeout: 20_000 });
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    };
    await expand(GUIDE);
    await walk.waitChecked('runbooks');
    await expand('Fix');
    await wb.treeRow(runbooks, 'Restart the web service').first().waitFor({ timeout: 20_000 });
    await wb.treeRow(runbooks, 'Only if the disk is full').first().waitFor({ timeout: 20_000 });
    await capture('runbooks', runbooks);
  });

  it('host: Open SSH Config File, a Host added and saved shows in the Hosts view, and the step is checked', async () => {
    await walk.clickButton('host', 'Open SSH Config File');
    const editor = page.locator('.editor-instance .monaco-editor').filter({ hasText: 'Uncomment and fill in' }).first();
    await editor.waitFor({ timeout: 20_000 });
    await editor.click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type(`\nHost ${SSH_HOST}\nHostName 192.0.2.10\nUser deploy\n`);
    await page.keyboard.press('ControlOrMeta+S');
    const configFile = path.join(home, '.ssh', 'config');
    await wb.until('~/.ssh/config to be written', async () => fs.existsSync(configFile) && fs.readFileSync(configFile, 'utf8').includes(`Host ${SSH_HOST}`));
    await walk.clickButton('host', 'Show Hosts');
    const hosts = pane('Hosts');
    await wb.treeRow(hosts, SSH_HOST).first().waitFor({ timeout: 20_000 });
    await walk.waitChecked('host');
    await capture('host', hosts);
  });

  it('logs: Follow Docker Logs on the local engine\'s compose service, live, and the step is checked', async () => {
    // Escape in the walkthrough goes back to the Welcome page, its steps kept in the page but
    // disabled (a theme switch's palette that started over did it on CI): the step is reached again.
    await walk.show();
    await walk.step('logs').focus();
    await page.keyboard.press('Escape');
    await wb.until('the Welcome page, the walkthrough steps disabled', async () => (await page.evaluate(`document.querySelector('${STEPS}[data-step-id$="#logs"]')?.disabled`)) === true, 10_000);
    await walk.clickButton('logs', 'Follow Docker Logs');
    await wb.waitForQuickPick(/Local Docker engine/);
    await wb.pickQuickPickItem('Local Docker', /Local Docker engine/);
    // The next two picks are clicked: with the Getting Started page open, VS Code hands the keyboard
    // back to the page between two prompts (a known wart, see the README's walkthrough section).
    await wb.waitForQuickPick(/web/);
    await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: /web, compose service|web\s+compose service|compose service/ }).first().click();
    await wb.waitForQuickPick(/Last 200 lines/);
    await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: /^Last 200 lines(?!,)/ }).first().click();
    await wb.until('live log lines', async () => /web-1\s*\|\s*GET \/cart\/\d+ 502/.test((await page.locator('.xterm-rows > div').allTextContents()).join('\n')), 30_000);
    await walk.waitChecked('logs');
    await wb.hideNotifications();
    const panel = page.locator('.part.panel');
    await capture('logs', async () => {
      const box = await panel.boundingBox();
      if (!box) throw new Error('the panel is not visible');
      return page.screenshot({ clip: { x: box.x, y: box.y, width: Math.min(box.width, 720), height: Math.min(box.height, 260) } });
    });
  });

  it('resolve: the step\'s button resolves the incident, and the step is checked', async () => {
    await walk.clickButton('resolve', 'Resolve');
    await wb.waitForInputBox();
    await wb.typeAndEnter('Restarted web; practice over');
    await walk.waitChecked('resolve');
    const id = incidentRecord()!;
    const timeline = fs.readFileSync(path.join(workspace, 'incidents', id, 'timeline.jsonl'), 'utf8');
    assert.match(timeline, /"type":"resolved"/);
    await wb.treeRow(container, 'Resolved').first().click();
    await wb.treeRow(container, TITLE).first().waitFor({ timeout: 10_000 });
    await wb.hideNotifications();
    await capture('resolve', pane('Incidents'));
  });

  it('shows every step done; takes the README screenshot', async () => {
    for (const id of await walk.stepIds()) assert.equal(await walk.isChecked(id), true, `${id} is not checked`);
    // Room for the walkthrough's two columns (steps beside the image), without the log panel.
    await page.setViewportSize({ width: 1600, height: 900 });
    await wb.runCommand('View: Hide Panel');
    await walk.show();
    await walk.step('declare').locator('.step-title').click();
    await wb.hideNotifications();
    await page.mouse.move(1500, 850);
    await page.waitForTimeout(500);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'walkthrough.png') });
  });
});

describe('e2e: the packaged .vsix carries the walkthrough', () => {
  it(`holds every walkthrough image and stays ≤ ${VSIX_TARGET_BYTES / 1e6} MB`, () => {
    const vsix = packagedVsix();
    const names = new Set(zipEntries(fs.readFileSync(vsix)).map((e) => e.name));
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { walkthroughs: Array<{ steps: Array<{ media: { image: Record<string, string> } }> }> } };
    const images = manifest.contributes.walkthroughs.flatMap((w) => w.steps).flatMap((s) => Object.values(s.media.image));
    assert.ok(images.length >= 10);
    for (const rel of images) assert.ok(names.has(`extension/${rel}`), `${rel} is not in ${vsix}`);
    const size = fs.statSync(vsix).size;
    assert.ok(size <= VSIX_TARGET_BYTES, `${vsix} is ${size} B`);
  });
});
