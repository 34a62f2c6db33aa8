// Reading and driving the timeline webview from the workbench page. The app runs in a nested
// iframe (code-server's webview host); Playwright locators pierce its shadow DOM.
import type { Frame, Page } from 'playwright-core';
import type { Workbench } from './workbench';

/** What the app shows, read in its frame (a string: no DOM lib in this tsconfig). */
export interface AppState {
  title: string;
  rows: { key: string; text: string; label: string; starred: boolean }[];
  count: string;
  cspViolations: string | undefined;
  pwned: string | undefined;
  renderedRows: string | undefined;
}

const APP_STATE = `(() => {
  if (document.body.dataset.app !== 'timeline') return null;
  const root = document.querySelector('timeline-app')?.shadowRoot;
  const h1 = root?.querySelector('h1');
  if (!root || !h1) return null;
  const rows = [...root.querySelectorAll('.row')].map((r) => ({
    key: r.dataset.key, text: r.querySelector('.text')?.textContent ?? '', label: r.getAttribute('aria-label') ?? '',
    starred: r.querySelector('.star')?.getAttribute('aria-pressed') === 'true',
  }));
  return { title: h1.textContent, rows, count: root.querySelector('.count')?.textContent ?? '',
    cspViolations: document.body.dataset.cspViolations, pwned: document.body.dataset.pwned, renderedRows: document.body.dataset.renderedRows };
})()`;

export async function appState(frame: Frame): Promise<AppState | undefined> {
  return ((await frame.evaluate(APP_STATE).catch(() => null)) as AppState | null) ?? undefined;
}

/** The frame of the timeline app whose title contains `title` (waits for it to render). */
export async function timelineFrame(page: Page, wb: Workbench, title: string, timeoutMs = 30_000): Promise<Frame> {
  return wb.until(`the timeline webview of "${title}"`, async () => {
    for (const f of page.frames()) {
      const s = await appState(f);
      if (s && s.title.includes(title) && s.rows.length > 0) return f;
    }
    return undefined;
  }, timeoutMs);
}

/** Evaluates in the app's shadow root: markup that must never appear from untrusted text. */
export const INJECTED_ELEMENTS = `(() => {
  const root = document.querySelector('timeline-app').shadowRoot;
  const bad = [...root.querySelectorAll('img, script, iframe, svg, style, a, h1 ~ h1, b')].map((e) => e.outerHTML.slice(0, 80));
  // VS Code's own default styles (style#_defaultStyles) are part of every webview page.
  const inDocument = [...document.querySelectorAll('img, iframe, svg, a, style:not(#_defaultStyles)')].map((e) => e.outerHTML.slice(0, 80));
  const scripts = [...document.querySelectorAll('script')].filter((e) => /pwned|alert/.test(e.outerHTML)).length;
  return { bad, inDocument, scripts, text: root.textContent };
})()`;
