// Keyboard-first helpers for driving the VS Code workbench in a browser. Selectors are the
// workbench's own roles, aria labels and stable class names; every step waits for a condition,
// never for a fixed time, and a timeout says what was on screen.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from '../runner/codeServer';

const STEP_TIMEOUT_MS = 30_000;

export interface QuickInputState {
  value: string;
  title: string;
  /** aria-labels of the rows of the list; empty when the widget is an input box. */
  rows: string[];
}

// Run in the page. Strings, because this project's tsconfig has no DOM lib (and should not).
const QUICK_INPUT_STATE = `(() => {
  const widget = document.querySelector('.quick-input-widget');
  if (!widget || widget.style.display === 'none' || widget.offsetParent === null) return null;
  const input = widget.querySelector('.quick-input-box input');
  const title = widget.querySelector('.quick-input-title')?.innerText ?? '';
  const list = widget.querySelector('.quick-input-list');
  const listShown = !!list && list.offsetParent !== null && list.offsetHeight > 0;
  const rows = listShown ? [...list.querySelectorAll('.monaco-list-row')].map((r) => r.getAttribute('aria-label') ?? r.innerText) : [];
  return { value: input?.value ?? '', title, rows };
})()`;
const NOTIFICATIONS = `[...document.querySelectorAll('.notifications-toasts .notification-list-item')].map((n) => n.getAttribute('aria-label') ?? n.innerText)`;

export class Workbench {
  readonly quickInput: Locator;
  private readonly focusedQuickInputRow: Locator;

  constructor(readonly page: Page) {
    this.quickInput = page.locator('.quick-input-widget');
    this.focusedQuickInputRow = this.quickInput.locator('.quick-input-list .monaco-list-row.focused');
  }

  /** Waits for the workbench to be laid out. */
  async ready(): Promise<void> {
    for (const part of ['.monaco-workbench', '.activitybar', '.statusbar']) await this.page.locator(part).waitFor({ timeout: 60_000 });
  }

  /** Opens a view container from the activity bar by its title (its icon's aria-label). */
  async openViewContainer(title: string, containerId: string): Promise<Locator> {
    const iconSelector = `a.action-label[aria-label^="${title}"]`;
    const icon = this.page.locator(`.activitybar ${iconSelector}`);
    await icon.waitFor({ timeout: 60_000 });
    const tab = this.page.locator('.activitybar li[role="tab"]').filter({ has: this.page.locator(iconSelector) });
    if ((await tab.getAttribute('aria-selected')) !== 'true') await icon.click();
    await this.page.mouse.move(700, 500); // no hover tooltip left over the activity bar
    const container = this.page.locator(`[id="${containerId}"]`);
    await container.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    return container;
  }

  /** Drags the sash between the side bar and the editor so the side bar is `width` px wide. */
  async resizeSideBar(width: number): Promise<void> {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (!box) throw new Error('the side bar is not visible');
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width - 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 8 });
    await this.page.mouse.up();
    await this.page.mouse.move(box.x + width + 300, y);
    await this.until('the side bar to be resized', async () => {
      const now = await this.page.locator('.part.sidebar').boundingBox();
      return !!now && Math.abs(now.width - width) < 40;
    });
  }

  async quickInputState(): Promise<QuickInputState | undefined> {
    return ((await this.page.evaluate(QUICK_INPUT_STATE)) as QuickInputState | null) ?? undefined;
  }

  /** What is on screen, for timeout messages. */
  async describeScreen(): Promise<string> {
    const quickInput = await this.quickInputState().catch(() => undefined);
    const toasts = (await this.page.evaluate(NOTIFICATIONS).catch(() => [])) as string[];
    return `quick input: ${quickInput ? JSON.stringify(quickInput) : 'hidden'}; notifications: ${JSON.stringify(toasts)}`;
  }

  /** Polls `probe` until it returns a value other than undefined/false, or fails naming `what`. */
  async until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = STEP_TIMEOUT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${await this.describeScreen()})`);
      await this.page.waitForTimeout(100);
    }
  }

  private async focusedRowMatches(test: (ariaLabel: string) => boolean): Promise<boolean> {
    const text = await this.focusedQuickInputRow.getAttribute('aria-label', { timeout: 1000 }).catch(() => null);
    return text !== null && test(text);
  }

  /**
   * Presses Enter to accept the focused row and waits for the widget to move on (hidden, or showing
   * something else). Under load an Enter can land before the list settles and be dropped; the
   * widget still shows `value` then, nothing ran, and pressing again is safe.
   */
  private async accept(value: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Enter');
      const moved = await this.until('the quick input to accept', async () => {
        const s = await this.quickInputState();
        return !s || s.value !== value;
      }, 3000).catch(() => false);
      if (moved) return;
      if (attempt === 3) throw new Error(`Enter did not accept "${value}" (${await this.describeScreen()})`);
    }
  }

  /** F1, type the command's palette label, wait for it to be the focused row, Enter. */
  async runCommand(label: string): Promise<void> {
    // The palette can close again between opening and the typing (focus taken by a view or editor
    // updating after a save; seen on CI, the label then typed into the editor): start over, up to 3 times.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Escape'); // close anything left open
      await this.page.keyboard.press('F1');
      await this.until('the command palette', async () => (await this.quickInputState())?.value.startsWith('>'));
      await this.page.keyboard.type(label);
      const found = await this.until(`"${label}" to be the focused palette entry`, () => this.focusedRowMatches((t) => t.toLowerCase().startsWith(label.toLowerCase())), attempt === 3 ? undefined : 10_000)
        .then(() => true, (e: unknown) => {
          if (attempt === 3) throw e;
          return false;
        });
      if (found) break;
    }
    await this.accept(`>${label}`);
  }

  /**
   * Waits for a fresh input box (no list, empty value) whose title differs from `notTitle` (the
   * previous step's), so a step never types into the box it just left. Returns its title.
   */
  async waitForInputBox(notTitle?: string): Promise<string> {
    const state = await this.until('an input box', async () => {
      const s = await this.quickInputState();
      if (!s || s.rows.length > 0 || s.value !== '') return undefined;
      return notTitle && s.title === notTitle ? undefined : s;
    });
    return state.title;
  }

  /** Waits for a quick pick showing a row that matches `row`. */
  async waitForQuickPick(row: RegExp): Promise<QuickInputState> {
    return this.until(`a quick pick with a row matching ${row}`, async () => {
      const s = await this.quickInputState();
      return s && s.rows.some((r) => row.test(r)) ? s : undefined;
    });
  }

  /** Types to filter the open quick pick, waits until the focused row matches, Enter. */
  async pickQuickPickItem(filter: string, expected: RegExp): Promise<void> {
    await this.page.keyboard.type(filter);
    await this.until(`the focused quick pick row to match ${expected}`, () => this.focusedRowMatches((t) => expected.test(t)));
    await this.accept(filter);
  }

  /** Types into the focused input box and presses Enter. */
  async typeAndEnter(text: string): Promise<void> {
    if (text) await this.page.keyboard.type(text);
    await this.until(`"${text}" in the input box`, async () => (await this.quickInputState())?.value === text);
    await this.accept(text);
  }

  /** Rows of the trees inside `container` whose text contains `text`. */
  treeRow(container: Locator, text: string): Locator {
    return container.locator('.monaco-list-row').filter({ hasText: text });
  }

  /** Hides notification toasts (Escape, the workbench's own binding), so screenshots show the UI. */
  async hideNotifications(): Promise<void> {
    const toasts = this.page.locator('.notifications-toasts .notification-list-item');
    if ((await toasts.count()) === 0) return;
    await this.page.keyboard.press('Escape');
    const gone = await this.until('the notifications to hide', async () => (await toasts.count()) === 0, 3000).catch(() => false);
    if (!gone) await this.runCommand('Notifications: Clear All Notifications');
    await this.until('the notifications to hide', async () => (await toasts.count()) === 0);
  }

  async isQuickInputOpen(): Promise<boolean> {
    return (await this.quickInputState()) !== undefined;
  }
}

/**
 * The tests of `suite` are steps of one story (each builds on the one before): after the first
 * failure, the rest of THIS suite is marked pending (they would only fail for the same reason),
 * while every other suite still runs. Mocha's `this.bail()` would abort the whole run instead,
 * leaving the other e2e files unrun and their failures unseen.
 */
export function dependentSteps(suite: Mocha.Suite): void {
  let failed = false;
  suite.afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });
  suite.beforeEach(function () {
    // A real skip, reported as pending beside the failure that caused it.
    if (failed) this.skip();
  });
}

/** After a failed test: the page as it was, in test-results/e2e-failure-<title>.png. */
export async function screenshotFailure(page: Page | undefined, test: Mocha.Test | undefined, resultsDir: string): Promise<void> {
  if (test?.state !== 'failed' || !page) return;
  fs.mkdirSync(resultsDir, { recursive: true });
  const name = `e2e-failure-${test.title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`;
  await page.screenshot({ path: path.join(resultsDir, name) }).catch(() => undefined);
  console.log(`      screenshot: ${path.relative(process.cwd(), path.join(resultsDir, name))}`);
}

/** Headless Chromium on the server's workbench, loaded and ready (every suite's `before` ends with this). */
export async function openWorkbench(server: { workbenchUrl(): string }, viewport: { width: number; height: number }): Promise<{ browser: Browser; page: Page; wb: Workbench }> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  const wb = new Workbench(page);
  await page.goto(server.workbenchUrl());
  await wb.ready();
  return { browser, page, wb };
}
