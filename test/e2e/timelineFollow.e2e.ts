// "Follow new events" on a long timeline, in the real UI from the packaged extension: with a few
// thousand events the panel opens at the top, and an event appended by another process (fsync'd, as
// the CLI writes) must come on screen once Follow is ticked. The short fixture of timeline.e2e.ts is
// always at its end, which hid a follow that never scrolled (npm run bench -- timeline found it).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { REPO_ROOT, packagedVsix, removeOnExit, startCodeServer } from '../runner/codeServer';
import type { CodeServer } from '../runner/codeServer';
import type { Workbench } from './workbench';
import { dependentSteps, openWorkbench, screenshotFailure } from './workbench';
import { timelineFrame } from './timelineWebview';

const CONTAINER_ID = 'workbench.view.extension.incidentDesk';
const FAILURES = path.join(REPO_ROOT, 'test-results');
const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'timeline', 'workspace');
const ID = '2026-11-20-checkout-502';
const TITLE = 'Checkout returns 502';
const TIMELINE_MODULE = path.join(REPO_ROOT, 'out', 'src', 'core', 'timeline', 'timelineFile.js');
const EXTRA = 3000;

describe('e2e: the timeline follows new events on a long timeline', function () {
  dependentSteps(this);
  let tmp: string;
  let workspace: string;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let wb: Workbench;
  let frame: Frame;

  before(async function () {
    this.timeout(180_000);
    const vsix = packagedVsix();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-e2e-follow-'));
    if (process.env.INCIDENT_DESK_KEEP_TEMP !== '1') removeOnExit(tmp);
    workspace = path.join(tmp, 'workspace');
    fs.cpSync(FIXTURE, workspace, { recursive: true });
    // Old notes before the fixture's own events: the panel opens on them, far from the end.
    const t0 = Date.parse('2026-11-19T00:00:00.000Z');
    const notes = Array.from({ length: EXTRA }, (_, i) => JSON.stringify({ ts: new Date(t0 + i * 1000).toISOString(), type: 'note', actor: 'Dana', text: `Earlier note ${i + 1}` }));
    fs.appendFileSync(path.join(workspace, 'incidents', ID, 'timeline.jsonl'), notes.join('\n') + '\n');
    server = await startCodeServer({ workspace, installExtensions: [vsix], settings: { 'incidentDesk.actor': 'Dana' } });
    ({ browser, page, wb } = await openWorkbench(server, { width: 1400, height: 1000 }));
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

  it('opens the long timeline at its first events', async function () {
    this.timeout(90_000);
    const container = await wb.openViewContainer('Incident Desk', CONTAINER_ID);
    await wb.treeRow(container, 'Resolved').first().click({ timeout: 30_000 });
    await wb.treeRow(container, TITLE).first().click({ timeout: 30_000 });
    frame = await timelineFrame(page, wb, TITLE, 60_000);
    await frame.locator('timeline-app .row .text', { hasText: 'Earlier note 1' }).first().waitFor({ timeout: 30_000 });
  });

  it('with Follow new events ticked, an event appended by another process comes on screen', async function () {
    this.timeout(60_000);
    const follow = frame.locator('timeline-app vscode-checkbox[label="Follow new events"]');
    await follow.focus();
    await page.keyboard.press('Space');
    await wb.until('Follow ticked', async () => (await follow.evaluate((e) => (e as unknown as { checked: boolean }).checked)) || undefined);
    const file = path.join(workspace, 'incidents', ID, 'timeline.jsonl');
    const script = `require(${JSON.stringify(TIMELINE_MODULE)}).appendEvents(${JSON.stringify(file)}, [{ ts: new Date().toISOString(), type: 'note', actor: 'cli-user', text: 'Appended while following' }])`;
    execFileSync(process.execPath, ['-e', script]);
    await frame.locator('timeline-app .row .text', { hasText: 'Appended while following' }).first().waitFor({ timeout: 15_000 });
  });
});
