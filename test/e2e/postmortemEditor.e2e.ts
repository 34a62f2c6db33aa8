// The post-mortem editor in the real UI: Write Post-Mortem from a resolved incident (in a real git
// repository), a form edit that lands in the file as a minimal edit (bytes on disk checked after
// save), Ctrl+Z, an edit in the text editor shown in the form, a `git checkout` re-rendering the
// form, Refresh keeping everything outside the markers byte for byte, and a title, actor and notes
// holding <script>, <img onerror> and javascript: shown as text with zero CSP violations.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { applyEdits, formEdits } from '../../src/core/postmortem/formEdits';
import { REPO_ROOT, packagedVsix, removeOnExit, startCodeServer, type CodeServer } from '../runner/codeServer';
import { captureInThemes } from './walkthroughPage';
import type { Workbench } from './workbench';
import { dependentSteps, openWorkbench, screenshotFailure } from './workbench';

const ID = '2026-11-20-checkout-502s';
const RESOLUTION = '<img src=x onerror="window.__pwned=7"> card payments back';
const SCREENSHOTS = process.env.INCIDENT_DESK_SCREENSHOT_DIR ?? path.join(REPO_ROOT, 'docs', 'screenshots');
const FAILURES = path.join(REPO_ROOT, 'test-results');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=E2E', '-c', 'user.email=e2e@example.invalid', ...args], { cwd, encoding: 'utf8' });
}

/** The text with every generated region's inside blanked: what Refresh must keep byte for byte. */
function outsideRegions(text: string): string {
  return text.replace(/(<!-- incident-desk:([a-z-]+) -->)[\s\S]*?(<!-- \/incident-desk:\2 -->)/g, '$1…$3');
}

/** The control that has the focus in the form (the custom element's host), its section and its label. */
interface FormFocus { tag: string; section: string | null; label: string }
const FORM_FOCUS = `(() => {
  const a = document.querySelector('postmortem-editor')?.shadowRoot?.activeElement;
  if (!a || !document.hasFocus()) return null;
  return { tag: a.tagName.toLowerCase(), section: a.closest('section')?.dataset.section ?? null,
    label: a.getAttribute('label') ?? a.getAttribute('aria-label') ?? (a.textContent ?? '').trim() };
})()`;

describe('e2e: post-mortem editor', function () {
  dependentSteps(this);
  let tmp: string;
  let workspace: string;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let wb: Workbench;
  let file: string;
  let draft: string;

  before(async function () {
    this.timeout(180_000);
    const vsix = packagedVsix();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-desk-pm-e2e-'));
    if (process.env.INCIDENT_DESK_KEEP_TEMP !== '1') removeOnExit(tmp);
    workspace = path.join(tmp, 'workspace');
    fs.cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'postmortem-workspace'), workspace, { recursive: true });
    git(workspace, 'init', '-q', '-b', 'main');
    git(workspace, 'add', '-A');
    git(workspace, 'commit', '-q', '-m', 'the incident');
    file = path.join(workspace, 'incidents', `${ID}.md`);
    server = await startCodeServer({ workspace, installExtensions: [vsix], settings: { 'incidentDesk.actor': 'Dana', 'files.autoSave': 'off' } });
    ({ browser, page, wb } = await openWorkbench(server, { width: 1280, height: 860 }));
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

  /** The webview frame holding the post-mortem form (found again each time: VS Code may re-create it). */
  async function app(): Promise<Frame> {
    return wb.until('the post-mortem editor webview', async () => {
      for (const f of page.frames()) {
        if (await f.locator('postmortem-editor').count().catch(() => 0)) return f;
      }
      return undefined;
    });
  }

  async function textareaValue(section: string): Promise<string> {
    const f = await app();
    return f.locator(`section[data-section="${section}"] vscode-textarea`).first().evaluate((el) => (el as unknown as { value: string }).value);
  }

  async function waitForDisk(what: string, test: (text: string) => boolean): Promise<string> {
    return wb.until(what, async () => {
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
      return text !== undefined && test(text) ? text : undefined;
    });
  }

  async function save(): Promise<void> {
    await page.keyboard.press('Control+s');
  }

  /** Saves until the file on disk is `want` (the form sends a change shortly after typing stops). */
  async function saveUntil(what: string, want: string): Promise<void> {
    await wb.until(what, async () => {
      if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === want) return true;
      await save();
      await page.waitForTimeout(400);
      return undefined;
    });
  }

  it('Resolve offers Write Post-Mortem, which creates incidents/<id>.md beside the folder and opens the form', async function () {
    this.timeout(120_000);
    const container = await wb.openViewContainer('Incident Desk', 'workbench.view.extension.incidentDesk');
    await wb.treeRow(container, 'Checkout 502s').first().waitFor({ timeout: 60_000 });
    await wb.runCommand('Incident: Resolve');
    await wb.waitForInputBox();
    await wb.typeAndEnter(RESOLUTION);
    const offer = page.locator('.notifications-toasts .notification-list-item').filter({ hasText: 'Resolved:' }).locator('.monaco-button').filter({ hasText: 'Write Post-Mortem' });
    await offer.first().click({ timeout: 30_000 });
    draft = await waitForDisk('the post-mortem file', (t) => t.length > 0);
    assert.match(draft, /^---\nincident: "2026-11-20-checkout-502s"\n/);
    assert.match(draft, /<!-- incident-desk:overview -->/);
    const f = await app();
    await f.locator('section[data-section="impact"] vscode-textarea').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('.tab.active.dirty').count(), 0, 'opening the editor marks nothing dirty');
    git(workspace, 'add', '-A');
    git(workspace, 'commit', '-q', '-m', 'post-mortem draft');
  });

  it('renders <script>, <img onerror> and javascript: from the record as text, with zero CSP violations', async () => {
    const f = await app();
    const title = await f.locator('postmortem-editor h1').textContent();
    assert.ok(title?.includes('<script>window.__pwned=1</script>'), `title shown as text: ${title}`);
    assert.ok(title?.includes('<img src=x onerror="window.__pwned=2">'));
    assert.ok(fs.readFileSync(file, 'utf8').includes('onerror'), 'the record\'s untrusted text is in the file');
    const state = await f.evaluate(`(() => {
      const root = document.querySelector('postmortem-editor').shadowRoot;
      return { pwned: window.__pwned ?? null, violations: document.body.dataset.cspViolations,
        elements: root.querySelectorAll('script, img, iframe, a[href]').length };
    })()`) as { pwned: number | null; violations: string; elements: number };
    assert.deepEqual(state, { pwned: null, violations: '0', elements: 0 });
  });

  it('an edit in the form changes the file by a minimal edit (bytes on disk after save)', async function () {
    this.timeout(60_000);
    const f = await app();
    await f.locator('section[data-section="impact"] vscode-textarea textarea').click();
    await page.keyboard.type('Card payments failed for 65 minutes.');
    const expected = formEdits(draft, { kind: 'section', id: 'impact', expected: '', body: 'Card payments failed for 65 minutes.' });
    assert.equal(expected.kind, 'edits');
    if (expected.kind !== 'edits') return;
    assert.equal(expected.edits.length, 1);
    assert.equal(expected.edits[0].start, expected.edits[0].end, 'an insertion, nothing replaced');
    await saveUntil('the edited file on disk', applyEdits(draft, expected.edits));
  });

  it('Ctrl+Z in the form undoes it (VS Code\'s undo), and the form follows', async function () {
    this.timeout(60_000);
    // Typing may have gone out as a few edits (one per pause): each Ctrl+Z is one step of VS Code's undo.
    await wb.until('the impact text to be undone', async () => {
      if ((await textareaValue('impact')) === '') return true;
      await page.keyboard.press('Control+z');
      await page.waitForTimeout(300);
      return undefined;
    });
    await saveUntil('the original bytes back on disk', draft);
  });

  it('an edit in the text editor shows in the form', async function () {
    this.timeout(60_000);
    await wb.runCommand('Incident: Open Post-Mortem as Text');
    await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 20_000 });
    await wb.until('the text editor to have focus', async () => (await page.locator('.monaco-editor.focused').count()) > 0 || undefined);
    await page.keyboard.press('Control+End');
    await page.keyboard.type('Written in the text editor.');
    await wb.until('the form to show the text editor\'s edit', async () => (await textareaValue('lessons-learned')) === 'Written in the text editor.' || undefined);
    await save();
    await waitForDisk('the text editor\'s edit on disk', (t) => t.endsWith('Written in the text editor.'));
  });

  it('git checkout of the older version while open re-renders the form', async function () {
    this.timeout(60_000);
    // As a user would: the save has finished (the tab is clean) and a moment has passed. A write
    // in the same instant as VS Code's own save can be taken by it for that save (it keeps the
    // file's stat from right after writing) and is then never reloaded.
    await wb.until('the saved tab to be clean', async () => (await page.locator('.tab.dirty').count()) === 0 || undefined);
    await page.waitForTimeout(1000);
    git(workspace, 'checkout', '--', `incidents/${ID}.md`);
    assert.equal(fs.readFileSync(file, 'utf8'), draft);
    await wb.until('the form to show the checked-out version', async () => (await textareaValue('lessons-learned')) === '' || undefined);
  });

  it('Refresh from the record rewrites the generated regions only: prose outside the markers kept byte for byte', async function () {
    this.timeout(60_000);
    // Another editor (a script, here) writes prose everywhere and spoils a generated region.
    const spoilt = draft
      .replace(/(<!-- incident-desk:overview -->\n)[\s\S]*?(<!-- \/incident-desk:overview -->)/, '$1- stale line\n$2')
      .replace('## Impact\n', '## Impact  \n\nOur own words,  kept\twith odd   spacing.\n')
      .replace(/\n$/, '\nTrailing prose without a newline');
    fs.writeFileSync(file, spoilt);
    await wb.until('the form to show the external change', async () => (await textareaValue('summary')) === '' && (await textareaValue('lessons-learned')).endsWith('Trailing prose without a newline') || undefined);
    const f = await app();
    await f.locator('vscode-button').filter({ hasText: 'Refresh from the record' }).click();
    await wb.until('the tab to be dirty', async () => (await page.locator('.tab.dirty').count()) > 0 || undefined);
    await f.locator('section[data-section="impact"] vscode-textarea textarea').click();
    await save();
    const after = await waitForDisk('the refreshed file', (t) => !t.includes('- stale line'));
    assert.equal(outsideRegions(after), outsideRegions(spoilt));
    assert.deepEqual(after.match(/<!-- incident-desk:overview -->[\s\S]*?<!-- \/incident-desk:overview -->/)?.[0], draft.match(/<!-- incident-desk:overview -->[\s\S]*?<!-- \/incident-desk:overview -->/)?.[0]);
  });

  it('action items: add one from the form, then tick it, each a minimal edit of the file', async function () {
    this.timeout(60_000);
    const before = fs.readFileSync(file, 'utf8');
    const f = await app();
    const add = f.locator('section[data-section="action-items"] li.add');
    await add.locator('vscode-textfield').nth(0).locator('input').fill('Alert on gateway TLS errors');
    await add.locator('vscode-textfield').nth(1).locator('input').fill('Dana');
    await add.locator('vscode-textfield').nth(2).locator('input').fill('2026-12-15');
    await add.locator('vscode-button').filter({ hasText: 'Add' }).click();
    const line = '- [ ] Alert on gateway TLS errors (owner: Dana, due: 2026-12-15, type: prevent)';
    const added = formEdits(before, { kind: 'section', id: 'action-items', expected: '', body: line });
    if (added.kind !== 'edits') return assert.fail(added.kind);
    const want = applyEdits(before, added.edits);
    const box = f.locator('section[data-section="action-items"] li[data-line] vscode-checkbox').first();
    await box.waitFor({ timeout: 20_000 });
    await saveUntil('the new action item on disk', want);
    await box.click();
    await saveUntil('the ticked action item on disk', want.replace('- [ ] Alert on gateway', '- [x] Alert on gateway'));
  });

  /** Presses Tab (or Shift+Tab) until the focused control in the form matches `want`: the keyboard is the only way there. */
  async function tabTo(key: 'Tab' | 'Shift+Tab', what: string, want: (f: FormFocus) => boolean): Promise<FormFocus> {
    const f = await app();
    for (let n = 0; n < 40; n++) {
      const now = (await f.evaluate(FORM_FOCUS).catch(() => null)) as FormFocus | null;
      if (now && want(now)) return now;
      await page.keyboard.press(key);
    }
    throw new Error(`${key} never reached ${what}`);
  }

  it('keyboard only: a section and an action item edited, added and ticked land in the file; controls are named, the form is not an "application"', async function () {
    this.timeout(90_000);
    let before = fs.readFileSync(file, 'utf8');
    await tabTo('Shift+Tab', 'the "Where we got lucky" text', (x) => x.tag === 'vscode-textarea' && x.section === 'where-we-got-lucky');
    const lucky = 'The gateway vendor answered at 3 a.m.';
    await page.keyboard.type(lucky);
    const edit = formEdits(before, { kind: 'section', id: 'where-we-got-lucky', expected: '', body: lucky });
    if (edit.kind !== 'edits') return assert.fail(edit.kind);
    await saveUntil('the section typed from the keyboard on disk', applyEdits(before, edit.edits));
    before = fs.readFileSync(file, 'utf8');
    await tabTo('Tab', 'the new action item field', (x) => x.label === 'New action item: what');
    await page.keyboard.type('Page the payments on-call on gateway errors');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Ravi');
    await page.keyboard.press('Tab');
    await page.keyboard.type('2026-12-20');
    await tabTo('Tab', 'the Add button', (x) => x.tag === 'vscode-button' && x.label === 'Add');
    await page.keyboard.press('Enter');
    const previous = '- [x] Alert on gateway TLS errors (owner: Dana, due: 2026-12-15, type: prevent)';
    const line = '- [ ] Page the payments on-call on gateway errors (owner: Ravi, due: 2026-12-20, type: prevent)';
    assert.ok(before.includes(`${previous}\n`));
    const want = before.replace(`${previous}\n`, `${previous}\n${line}\n`);
    await saveUntil('the action item added from the keyboard on disk', want);
    await tabTo('Shift+Tab', 'the new item\'s checkbox', (x) => x.tag === 'vscode-checkbox' && x.label.startsWith('Done: Page the payments'));
    await page.keyboard.press('Space');
    await saveUntil('the action item ticked from the keyboard on disk', want.replace(`- [ ] Page the payments`, `- [x] Page the payments`));
    const f = await app();
    assert.equal(await f.locator('#app').getAttribute('role'), 'main', 'screen readers keep their reading keys in the form');
    for (const name of ['Status', 'Type', 'New action item: type']) assert.ok(await f.getByRole('combobox', { name, exact: true }).count() >= 1, `a combobox named "${name}"`);
  });

  it('Write Post-Mortem from the palette never overwrites: it opens the existing file', async function () {
    this.timeout(60_000);
    const before = fs.readFileSync(file, 'utf8');
    await wb.runCommand('Incident: Write Post-Mortem');
    await wb.until('the "already exists" message', async () => (await page.locator('.notifications-toasts .notification-list-item').filter({ hasText: 'already exists' }).count()) > 0 || undefined);
    assert.equal(fs.readFileSync(file, 'utf8'), before);
    await app();
  });

  it('screenshots in the dark and the light theme', async function () {
    this.timeout(90_000);
    await page.keyboard.press('Escape');
    const f = await app();
    await f.evaluate('(() => { document.activeElement?.blur?.(); const el = document.querySelector("postmortem-editor"); el?.shadowRoot?.activeElement?.blur?.(); window.scrollTo(0, 0); document.scrollingElement?.scrollTo(0, 0); })()');
    await captureInThemes(page, wb, SCREENSHOTS, 'postmortem-editor', () => page.screenshot());
    assert.equal(await (await app()).evaluate('document.body.dataset.cspViolations'), '0', 'no CSP violation in either theme');
  });
});
