// The Getting Started (walkthrough) editor as the workbench draws it: each step is a
// `button.getting-started-step[data-step-id="<extension>#<walkthrough>#<step>"]` whose
// `aria-checked` VS Code flips (with the `.complete` check icon) when the step's completion event
// fires; a description line that is only a link is drawn as a `.button-container .monaco-button`.
// Plus the theme switch the step images are taken in.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { Workbench } from './workbench';

export const STEPS = '.gettingStartedSlideDetails button.getting-started-step';

export class WalkthroughPage {
  constructor(private readonly page: Page, private readonly wb: Workbench, private readonly title: string) {}

  /** Welcome: Open Walkthrough… → this walkthrough; waits for its steps. */
  async open(): Promise<void> {
    const title = this.title;
    // The command's pick is filled asynchronously and, under load, an Enter that lands while the
    // walkthrough editor is still settling can be lost: run the command again when no pick shows.
    for (let attempt = 1; ; attempt++) {
      await this.wb.runCommand('Welcome: Open Walkthrough');
      const shown = await this.wb.until(`a quick pick with "${title}"`, async () => (await this.wb.quickInputState())?.rows.some((r) => r.includes(title)), 15_000).catch((e: unknown) => {
        if (attempt === 3) throw e;
        return false;
      });
      if (shown) break;
    }
    await this.wb.pickQuickPickItem(title, new RegExp(title));
    await this.page.locator(STEPS).first().waitFor({ timeout: 30_000 });
  }

  /** The step ids shown, in order, without the `<extension>#<walkthrough>#` prefix. */
  async stepIds(): Promise<string[]> {
    const ids = (await this.page.evaluate(`[...document.querySelectorAll(${JSON.stringify(STEPS)})].map((e) => e.getAttribute('data-step-id') ?? '')`)) as string[];
    return ids.map((id) => id.slice(id.lastIndexOf('#') + 1));
  }

  step(id: string): Locator {
    return this.page.locator(`${STEPS}[data-step-id$="#${id}"]`);
  }

  async isChecked(id: string): Promise<boolean> {
    await this.show();
    return (await this.step(id).getAttribute('aria-checked')) === 'true';
  }

  async waitChecked(id: string): Promise<void> {
    await this.wb.until(`the walkthrough step "${id}" to be checked`, () => this.isChecked(id), 30_000);
    const icon = this.page.locator(`[data-done-step-id$="#${id}"]`);
    if (!/\bcomplete\b/.test((await icon.getAttribute('class')) ?? '')) throw new Error(`step ${id}: aria-checked but no check icon`);
  }

  /**
   * Opens it again if it is not showing. Escape in the walkthrough editor (a theme switch's palette
   * started over, say) goes back to the Welcome page, which keeps the steps in the page but
   * disabled (VS Code disables the buttons of the slide it hides): seen on CI as a step title
   * "not enabled" for 30 s. So "showing" is a step there and enabled.
   */
  async show(): Promise<void> {
    const enabled = async (): Promise<boolean> => (await this.page.evaluate(`document.querySelector(${JSON.stringify(STEPS)})?.disabled`)) === false;
    if (!(await enabled())) await this.open();
    await this.wb.until('the walkthrough steps to be enabled', enabled, 10_000);
  }

  /** Expands step `id` (as a click on its title does) and clicks its button labelled `label`. */
  async clickButton(id: string, label: string): Promise<void> {
    await this.show();
    const step = this.step(id);
    if ((await step.getAttribute('aria-expanded')) !== 'true') await step.locator('.step-title').click();
    await this.wb.until(`step "${id}" to expand`, async () => (await step.getAttribute('aria-expanded')) === 'true');
    const button = step.locator('.button-container .monaco-button').filter({ hasText: label }).first();
    await button.waitFor({ timeout: 10_000 });
    await button.click();
  }
}

export interface Theme { name: string; id: string; cls: string }

export const THEMES = [
  { name: 'dark', id: 'Default Dark Modern', cls: 'vs-dark' },
  { name: 'light', id: 'Default Light Modern', cls: 'vs' },
] as const satisfies readonly Theme[];

export const HIGH_CONTRAST: Theme = { name: 'high-contrast', id: 'Default High Contrast', cls: 'hc-black' };

/**
 * Switches the color theme as a user does: Preferences: Color Theme, type its name, Enter. (F1
 * without Workbench.runCommand's Escape first, which would take the walkthrough editor back to the
 * Welcome page.) Waits until the workbench is drawn in it.
 */
export async function setTheme(page: Page, wb: Workbench, theme: Theme): Promise<void> {
  const applied = (): Promise<boolean> => page.evaluate(`(() => { const c = document.querySelector('.monaco-workbench')?.classList; return !!c && c.contains(${JSON.stringify(theme.cls)}) && (${JSON.stringify(theme.cls)} === 'vs-dark' || !c.contains('vs-dark')); })()`) as Promise<boolean>;
  if (await applied()) return;
  // F1 can be swallowed while the walkthrough moves to its next step, and the palette can show its
  // row hidden while it re-renders (seen once on CI: 'element is not visible' for 10 s): start over,
  // from Escape, up to three times.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const open = await wb.until('the command palette', async () => (await wb.quickInputState())?.value.startsWith('>'), 3000).catch(() => false);
    if (open) {
      await page.keyboard.type('Preferences: Color Theme');
      // "Browse Color Themes in Marketplace" may rank first: click the command's own row.
      const clicked = await page.locator('.quick-input-list .monaco-list-row[aria-label^="Preferences: Color Theme,"]').first().click({ timeout: 5_000 }).then(() => true, () => false);
      if (clicked) break;
    }
    if (attempt === 3) throw new Error(`the command palette did not offer Preferences: Color Theme (${await wb.describeScreen()})`);
    await page.keyboard.press('Escape');
  }
  await page.keyboard.type(theme.id);
  await wb.waitForQuickPick(new RegExp(theme.id));
  // Its row reads "Light Modern, Default Light Modern"; "Browse Additional Color Themes…" may be focused.
  await page.locator(`.quick-input-list .monaco-list-row[aria-label$="${theme.id}"]`).first().click({ timeout: 10_000 });
  await wb.until(`the ${theme.name} theme`, applied);
  await page.waitForTimeout(400); // let the trees and the terminal repaint in the new colours
}

/**
 * Captures `target` (an element, or a function returning a PNG) in the dark and the light theme into
 * `<dir>/<name>-dark.png` and `<name>-light.png`, then goes back to the dark theme. The images are
 * made at device scale 1: they are walkthrough illustrations, kept small for the .vsix.
 */
export async function captureInThemes(page: Page, wb: Workbench, dir: string, name: string, target: Locator | (() => Promise<Buffer>)): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  await page.mouse.move(1100, 400); // no hover highlight or tooltip in the picture
  for (const theme of THEMES) {
    await setTheme(page, wb, theme);
    await wb.hideNotifications();
    const png = typeof target === 'function' ? await target() : await target.screenshot();
    fs.writeFileSync(path.join(dir, `${name}-${theme.name}.png`), png);
  }
  await setTheme(page, wb, THEMES[0]);
}
