// The timeline webview in the real UI, from the packaged extension: a click on an incident's row
// opens its panel showing every event type in time order; a note and a star added from the panel
// land in timeline.jsonl; an event appended by another process (and a damaged line) shows live;
// filters; the panel comes back after a window reload; README screenshots in dark and light; and an
// incident whose every field holds markup and script renders as text with zero CSP violations.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { REPO_ROOT, packagedVsix, removeOnExit, startCodeServer } from '../runner/codeServer';
import type { CodeServer } from '../runner/codeServer';
import type { Workbench } from './workbench';
import { dependentSteps, openWorkbench, screenshotFailure } from './workbench';
import { HIGH_CONTRAST, THEMES, captureInThemes, setTheme } from './walkthroughPage';
import { INJECTED_ELEMENTS, appState, cssColor, focusState, timelineFrame, type AppState, type FocusState } from './timelineWebview';

const CONTAINER_ID = 'workbench.view.extension.incidentDesk';
const SCREENSHOTS = process.env.INCIDENT_DESK_SCREENSHOT_DIR ?? path.join(REPO_ROOT, 'docs', 'screenshots');
const FAILURES = path.join(REPO_ROOT, 'test-results');
const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'timeline', 'workspace');
const ID = '2026-11-20-checkout-502';
const TITLE = 'Checkout returns 502';
const XSS_ID = '2026-11-21-xss-probe';
/** Every event type the product writes (src/core/timeline/eventTypes.ts), all in the fixture. */
const ALL_TYPES = ['declared', 'acknowledged', 'status_changed', 'severity_changed', 'role_assigned', 'note', 'status_update', 'resolved', 'reopened', 'escalation',
  'runbook_step_started', 'runbook_step_finished', 'runbook_step_done', 'ssh_terminal_opened', 'ssh_terminal_closed', 'evidence', 'container_restarted',
  'rollback_started', 'rollback_command_started', 'rollback_command_finished', 'rollback_verified', 'rollback_failed', 'rollback_unknown', 'starred', 'unstarred'];
const TIMELINE_MODULE = path.join(REPO_ROOT, 'out', 'src', 'core', 'timeline', 'timelineFile.js');

interface Line { id?: string; ts: string; type: string; actor: string; text: string; data?: Record<string, unknown> }

function lines(id: string, workspace: string): Line[] {
  return fs.readFileSync(path.join(workspace, 'incidents', id, 'timeline.jsonl'), 'utf8').split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as Line);
}

const LONG_ID = '2026-11-22-long-night';
const LONG_TITLE = 'Long night of many events';
const LONG_COUNT = 300;

/** An incident with far more events than fit the screen; its last event has evidence (a runbook step). */
function writeLongIncident(workspace: string): void {
  const dir = path.join(workspace, 'incidents', LONG_ID);
  fs.mkdirSync(dir, { recursive: true });
  const t0 = Date.parse('2026-11-22T01:00:00.000Z');
  const at = (i: number) => new Date(t0 + i * 60_000).toISOString();
  const id = (i: number) => `01JE${String(i).padStart(22, '0')}`;
  fs.writeFileSync(path.join(dir, 'incident.yaml'), ['version: 1', `id: ${LONG_ID}`, `title: ${LONG_TITLE}`, 'severity: P3', 'status: resolved', 'service: checkout-api',
    "summary: ''", 'roles: {}', `declaredAt: ${at(0)}`, 'declaredBy: Dana', `acknowledgedAt: ${at(1)}`, `mitigatedAt: ${at(LONG_COUNT - 1)}`, `resolvedAt: ${at(LONG_COUNT - 1)}`,
    `lastUpdateAt: ${at(LONG_COUNT - 1)}`, 'escalationsReached: []', ''].join('\n'));
  const events: Line[] = [{ id: id(0), ts: at(0), type: 'declared', actor: 'Dana', text: `Declared P3 incident on checkout-api: ${LONG_TITLE}`, data: { title: LONG_TITLE, severity: 'P3', service: 'checkout-api', summary: '' } }];
  for (let i = 1; i < LONG_COUNT - 1; i++) events.push({ id: id(i), ts: at(i), type: 'note', actor: i % 2 ? 'Ravi' : 'Dana', text: `Long night event ${i + 1}` });
  events.push({ id: id(LONG_COUNT - 1), ts: at(LONG_COUNT - 1), type: 'runbook_step_finished', actor: 'Ravi', text: 'Long night: "Restart the API" on shop-1: exit 0',
    data: { runbook: 'runbooks/checkout.md', runbookTitle: 'Checkout', section: 'Recover', step: 'Restart the API', line: 9, key: 'runbooks/checkout.md#Recover#Restart the API',
      command: 'docker compose restart checkout-api', target: 'shop-1', runId: 'r9', exitCode: 0, output: ' Container checkout-api-1  Started' } });
  fs.writeFileSync(path.join(dir, 'timeline.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

/** `2026-11-20T09:30` in this machine's local time, as a datetime-local field takes it. */
function localField(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

describe('e2e: the timeline webview', function () {
  dependentSteps(this);
  let tmp: string;
  let workspace: string;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let wb: Workbench;
  let container: Locator;
  let frame: Frame;

  const state = async (): Promise<AppState> => (await appState(frame)) ?? { title: '', rows: [], count: '', cspViolations: undefined, pwned: undefined, renderedRows: undefined };
  const rowText = (text: string) => frame.locator('timeline-app .row').filter({ has: frame.locator('.text', { hasText: text }) });

  before(async function () {
    this.timeout(180_000);
    const vsix = packagedVsix();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-e2e-timeline-'));
    if (process.env.INCIDENT_DESK_KEEP_TEMP !== '1') removeOnExit(tmp);
    workspace = path.join(tmp, 'workspace');
    fs.cpSync(FIXTURE, workspace, { recursive: true });
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

  it('a click on the incident row opens its timeline panel', async function () {
    this.timeout(90_000);
    container = await wb.openViewContainer('Incident Desk', CONTAINER_ID);
    await wb.treeRow(container, 'Resolved').first().click({ timeout: 30_000 });
    await wb.treeRow(container, TITLE).first().click({ timeout: 30_000 });
    frame = await timelineFrame(page, wb, TITLE, 60_000);
    await page.locator('.tab', { hasText: `Timeline: ${TITLE}` }).first().waitFor({ timeout: 10_000 });
  });

  it('shows every event type in time order, the backdated note at its time, milestones and targets', async () => {
    const s = await wb.until('all rows rendered', async () => { const x = await state(); return x.rows.length >= 24 ? x : undefined; });
    const labels = s.rows.map((r) => r.label);
    for (const t of ALL_TYPES) {
      const label = t.replace(/_/g, ' ');
      assert.ok(labels.some((l) => l.toLowerCase().startsWith(label)), `no row of type ${t} in ${JSON.stringify(labels)}`);
    }
    const at = (text: string) => s.rows.findIndex((r) => r.text.includes(text));
    const backdated = at("lowered in Tuesday's deploy");
    assert.ok(backdated > at('Escalation: bring in On-call') && backdated < at('Acknowledged by Ravi'), 'the backdated note is placed at its occurredAt (09:02), between 09:00 and 09:04');
    assert.match(s.rows[backdated].label, /backdated/);
    assert.match(s.rows[at('Acknowledged by Ravi')].label, /milestone acknowledged/);
    assert.ok(s.rows[at('Investigating → Identified')].starred, 'the starred event shows starred');
    assert.ok(!s.rows[at('Error rate back under')].starred, 'a star undone by an unstar shows unstarred');
    const header = await frame.locator('timeline-app header').innerText();
    assert.match(header, /Acknowledge: met/);
    assert.match(header, /T\+4:00/);
    assert.equal(s.cspViolations, '0');
  });

  it('evidence expands: log lines, the step command, exit status, output tail (folded) and a link to the runbook line', async () => {
    const row = rowText('"Restart the API" on shop-1: exit 0').first();
    await row.locator('button.expand').focus();
    await page.keyboard.press('Enter');
    await row.locator('.details').waitFor({ timeout: 10_000 });
    const text = await row.locator('.details').innerText();
    assert.match(text, /docker compose restart checkout-api/);
    assert.match(text, /exit 0 \(success\)/);
    assert.match(text, /Show all \(13 lines\)/);
    await row.locator('.details button.link', { hasText: 'Open the runbook at line 9' }).click();
    await page.locator('.tab', { hasText: 'checkout.md' }).first().waitFor({ timeout: 15_000 });
    await wb.until('the runbook at line 9', async () => /Ln 9,/.test(await page.locator('.statusbar').innerText()));
    await page.locator('.tab', { hasText: `Timeline: ${TITLE}` }).first().click();
    // A hidden webview is discarded (no retainContextWhenHidden): shown again, it is rebuilt from the host.
    frame = await timelineFrame(page, wb, TITLE);
  });

  it('adds a note (backdated) from the panel, keyboard only for the button; it lands in timeline.jsonl and shows', async function () {
    this.timeout(60_000);
    const before = lines(ID, workspace).length;
    await frame.locator('vscode-textarea#note-text textarea').fill('Payments provider confirmed <b>their</b> outage');
    await frame.locator('vscode-textfield#note-when input').fill(localField('2026-11-20T09:30:00.000Z'));
    await frame.locator('vscode-button', { hasText: 'Add Note' }).focus();
    await page.keyboard.press('Enter');
    const note = await wb.until('the note in timeline.jsonl', async () => lines(ID, workspace).slice(before).find((l) => l.type === 'note'));
    assert.equal(note.text, 'Payments provider confirmed <b>their</b> outage');
    assert.equal(note.actor, 'Dana');
    assert.equal(note.data?.occurredAt, '2026-11-20T09:30:00.000Z');
    await rowText('Payments provider confirmed <b>their</b> outage').first().waitFor({ timeout: 10_000 });
  });

  it('stars an event from the panel: a starred event referencing it is appended', async function () {
    this.timeout(60_000);
    const target = lines(ID, workspace).find((l) => l.text === 'Error rate back under 0.1%')!;
    await rowText('Error rate back under 0.1%').first().locator('button.star').click();
    const star = await wb.until('the star in timeline.jsonl', async () => lines(ID, workspace).filter((l) => l.type === 'starred').find((l) => l.data?.ref === target.id && l.ts > '2026-12'));
    assert.equal(star.actor, 'Dana');
    await wb.until('the row to show starred', async () => (await state()).rows.find((r) => r.text.includes('Error rate back under'))?.starred);
  });

  it('shows an event appended by another process, and a damaged line, without a reload', async function () {
    this.timeout(60_000);
    const file = path.join(workspace, 'incidents', ID, 'timeline.jsonl');
    const script = `require(${JSON.stringify(TIMELINE_MODULE)}).appendEvents(${JSON.stringify(file)}, [{ ts: '2026-11-20T09:55:00.000Z', type: 'note', actor: 'cli-user', text: 'Appended by the CLI process' }])`;
    execFileSync(process.execPath, ['-e', script]);
    await rowText('Appended by the CLI process').first().waitFor({ timeout: 10_000 });
    fs.appendFileSync(file, '{"ts": "2026-11-20T09:56:00.000Z", "type": "note", broken\n');
    await wb.until('the damaged line', async () => (await state()).rows.find((r) => r.key?.startsWith('damaged:') && /could not be read/.test(r.text)));
  });

  it('filters by text and by key moments only (keyboard)', async function () {
    this.timeout(60_000);
    const input = frame.locator('vscode-textfield[aria-label="Filter text"] input');
    await input.fill('pool');
    let s = await wb.until('the text filter', async () => { const x = await state(); return /Showing \d+ of/.test(x.count) ? x : undefined; });
    assert.ok(s.rows.length >= 2 && s.rows.every((r) => /pool/i.test(r.text) || r.key.startsWith('damaged:') || r.label.length > 0));
    assert.ok(s.rows.some((r) => r.text.includes('payment pool exhausted')));
    assert.ok(!s.rows.some((r) => r.text.includes('Acknowledged by Ravi')));
    await input.fill('');
    const keyOnly = frame.locator('vscode-checkbox[label="Key moments only"]');
    await keyOnly.focus();
    await page.keyboard.press('Space');
    s = await wb.until('key moments only', async () => { const x = await state(); return /Showing/.test(x.count) ? x : undefined; });
    assert.ok(s.rows.every((r) => r.starred || /milestone/.test(r.label) || r.key.startsWith('damaged:')), JSON.stringify(s.rows.map((r) => r.label)));
    assert.ok(s.rows.some((r) => r.text.includes('Error rate back under')));
    await keyOnly.focus();
    await page.keyboard.press('Space');
    await wb.until('the filter cleared', async () => /^\d+ events$/.test((await state()).count));
  });

  it('takes the README screenshots in dark and light', async function () {
    this.timeout(120_000);
    await captureInThemes(page, wb, SCREENSHOTS, 'timeline', () => page.screenshot());
    assert.equal((await state()).cspViolations, '0');
  });

  it('the panel survives a window reload (data read again from the files)', async function () {
    this.timeout(120_000);
    // Developer: Reload Window, as a user does: the workbench saves its editors (our panel's state) before it reloads.
    const loaded = page.waitForEvent('load', { timeout: 90_000 });
    await wb.runCommand('Developer: Reload Window').catch(() => undefined);
    await loaded;
    await wb.ready();
    frame = await timelineFrame(page, wb, TITLE, 90_000);
    await rowText('Appended by the CLI process').first().waitFor({ timeout: 20_000 });
    await rowText('Payments provider confirmed').first().waitFor({ timeout: 20_000 });
  });

  it('XSS: markup, scripts, handlers and javascript: URLs in every field render as text, zero CSP violations', async function () {
    this.timeout(90_000);
    await wb.runCommand('Incident: Open Timeline');
    await wb.waitForQuickPick(/XSS/);
    await wb.pickQuickPickItem('XSS', /XSS/);
    frame = await timelineFrame(page, wb, 'XSS <img', 60_000);
    for (const b of await frame.locator('timeline-app button.expand').all()) await b.click();
    await wb.until('every row expanded', async () => (await frame.locator('timeline-app .details').count()) >= 5);
    const probe = (await frame.evaluate(INJECTED_ELEMENTS)) as { bad: string[]; inDocument: string[]; scripts: number; text: string };
    assert.deepEqual(probe.bad, [], 'no element made from untrusted text');
    assert.deepEqual(probe.inDocument, []);
    assert.equal(probe.scripts, 0, 'no script element made from the file');
    for (const literal of ['<script>document.body.dataset.pwned=2</script>', 'onerror="document.body.dataset.pwned=1"', 'javascript:alert(1)', '<h1>host</h1>', '<b>Mallory</b>', '<iframe src=javascript:alert(1)>']) {
      assert.ok(probe.text.includes(literal), `shown as text: ${literal}`);
    }
    const s = await state();
    assert.equal(s.pwned, undefined);
    assert.equal(s.cspViolations, '0');
    assert.ok(lines(XSS_ID, workspace).length >= 7);
  });

  /** Presses `key` in the app and waits until the focus matches `want` (the list scrolls and renders on the way). */
  async function press(key: string, what: string, want: (f: FocusState) => boolean): Promise<FocusState> {
    await page.keyboard.press(key);
    return wb.until(`${key}: ${what}`, async () => { const f = await focusState(frame); return f && want(f) ? f : undefined; }, 10_000);
  }

  it('keyboard only: one tab stop for the list; arrows, Page keys, Home and End move across rows not rendered before; Enter expands; Tab and Enter star', async function () {
    this.timeout(120_000);
    writeLongIncident(workspace);
    await wb.runCommand('Incident: Open Timeline');
    await wb.waitForQuickPick(/Long night/);
    await wb.pickQuickPickItem('Long night', /Long night/);
    frame = await timelineFrame(page, wb, LONG_TITLE, 60_000);
    const before = await wb.until('the long timeline', async () => { const x = await state(); return x.rows.length > 0 && /300 events/.test(x.count) ? x : undefined; });
    assert.ok(before.rows.length < LONG_COUNT / 2, `virtualized: ${before.rows.length} rows rendered of ${LONG_COUNT}`);
    const renderedBefore = new Set(before.rows.map((r) => r.key));
    // Scrolled away with the mouse wheel, the first row (the list's stop) is no longer rendered: Tab must still reach it.
    const box = await frame.locator('timeline-app lit-virtualizer').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await wb.until('the first row scrolled out of the DOM', async () => {
      if (!(await state()).rows.some((r) => r.key === before.rows[0].key)) return true;
      await page.mouse.wheel(0, 3000);
      return undefined;
    });
    // Tab from where the panel put the focus: through the filters and the note form into the list, which is one stop.
    let f: FocusState | undefined;
    for (let n = 0; n < 30 && !f?.key; n++) {
      await page.keyboard.press('Tab');
      f = await wb.until('the focus in the panel', () => focusState(frame), 5000).catch(() => undefined);
    }
    assert.ok(f?.isRow && f.pos === 1, `Tab lands on the first row: ${JSON.stringify(f)}`);
    f = await press('ArrowDown', 'the second row', (x) => x.isRow && x.pos === 2);
    f = await press('ArrowDown', 'the third row', (x) => x.isRow && x.pos === 3);
    assert.equal(f.text, 'Long night event 3');
    f = await press('End', 'the last row', (x) => x.isRow && x.pos === LONG_COUNT);
    assert.ok(!renderedBefore.has(f.key!), 'the last row was not rendered before End');
    assert.match(f.text, /Long night: "Restart the API"/);
    const last = f;
    f = await press('PageUp', 'a screenful up', (x) => x.isRow && x.pos < LONG_COUNT - 1);
    assert.ok(f.pos > 1, `PageUp moves a page, not to the top: ${f.pos}`);
    await press('PageDown', 'a screenful down', (x) => x.isRow && x.pos === LONG_COUNT);
    await press('ArrowUp', 'the row above', (x) => x.isRow && x.pos === LONG_COUNT - 1);
    await press('Home', 'the first row', (x) => x.isRow && x.pos === 1);
    await press('End', 'the last row again', (x) => x.isRow && x.key === last.key);
    f = await press('Enter', 'the evidence shown', (x) => x.isRow && x.hasDetails);
    assert.equal(f.expandedButton, 'true');
    assert.match(f.label, /details shown/);
    assert.match(await rowText('Long night: "Restart the API"').locator('.details').innerText(), /docker compose restart checkout-api/);
    // Tab goes into the focused row (its actions), then out of the list: no other row is a stop.
    f = await press('Tab', 'the star button of the row', (x) => x.key === last.key && /\bstar\b/.test(x.cls));
    const target = lines(LONG_ID, workspace).at(-1)!;
    await page.keyboard.press('Enter');
    await wb.until('the star in timeline.jsonl', async () => lines(LONG_ID, workspace).find((l) => l.type === 'starred' && l.data?.ref === target.id));
    await wb.until('the row to show starred', async () => (await state()).rows.find((r) => r.key === last.key)?.starred);
    await press('Escape', 'Escape from the row\'s button back to the row', (x) => x.isRow && x.key === last.key);
    const stops: (string | null)[] = [];
    for (let n = 0; n < 8; n++) {
      await page.keyboard.press('Tab');
      const x = await focusState(frame);
      stops.push(x?.key ?? null);
      if (!x?.key) break;
    }
    assert.deepEqual(stops.slice(0, -1).filter((k) => k !== last.key), [], `Tab leaves the list after the row's own actions: ${JSON.stringify(stops)}`);
    assert.equal(stops.at(-1), null);
    assert.ok(stops.length >= 3, `the row's star and expand buttons are stops: ${JSON.stringify(stops)}`);
    for (const name of ['Filter by type', 'Filter by actor']) assert.equal(await frame.getByRole('combobox', { name }).count(), 1, `a combobox named "${name}"`);
  });

  it('high contrast: the focused row is outlined in the theme\'s focus border colour', async function () {
    this.timeout(90_000);
    const dark = await focusState(frame);
    await setTheme(page, wb, HIGH_CONTRAST);
    try {
      // The theme picker took the focus; back in the panel, Tab from the page's start to the list's stop.
      let f = await focusState(frame);
      for (let n = 0; n < 30 && !f?.isRow; n++) {
        await page.keyboard.press('Tab');
        f = await focusState(frame);
      }
      f = await wb.until('the high-contrast focus border', async () => { const x = await focusState(frame); return x?.isRow && x.focusBorder && x.focusBorder !== dark?.focusBorder ? x : undefined; });
      assert.equal(f.outlineStyle, 'solid');
      assert.ok(parseFloat(f.outlineWidth) >= 1, f.outlineWidth);
      assert.equal(f.outlineColor, cssColor(f.focusBorder), `the row's outline is --vscode-focusBorder (${f.focusBorder})`);
    } finally {
      await setTheme(page, wb, THEMES[0]);
    }
  });
});
