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

/** The element that has the focus in the app, its row (position, text) and the outline it is drawn with. */
export interface FocusState {
  isRow: boolean;
  key: string | null;
  pos: number;
  text: string;
  cls: string;
  label: string;
  expandedButton: string | null;
  hasDetails: boolean;
  outlineColor: string;
  outlineStyle: string;
  outlineWidth: string;
  /** The theme's --vscode-focusBorder, as the webview received it. */
  focusBorder: string;
}

const FOCUS_STATE = `(() => {
  const root = document.querySelector('timeline-app')?.shadowRoot;
  const a = root?.activeElement;
  if (!a || !document.hasFocus()) return null;
  const row = a.closest('.row');
  const cs = getComputedStyle(a);
  return { isRow: a === row, key: row?.dataset.key ?? null, pos: Number(row?.getAttribute('aria-posinset') ?? 0),
    text: row?.querySelector('.text')?.textContent ?? '', cls: String(a.className), label: row?.getAttribute('aria-label') ?? '',
    expandedButton: row?.querySelector('button.expand')?.getAttribute('aria-expanded') ?? null, hasDetails: !!row?.querySelector('.details'),
    outlineColor: cs.outlineColor, outlineStyle: cs.outlineStyle, outlineWidth: cs.outlineWidth,
    focusBorder: getComputedStyle(document.documentElement).getPropertyValue('--vscode-focusBorder').trim() };
})()`;

export async function focusState(frame: Frame): Promise<FocusState | undefined> {
  return ((await frame.evaluate(FOCUS_STATE).catch(() => null)) as FocusState | null) ?? undefined;
}

/** `#rrggbb` or `#rrggbbaa` as getComputedStyle writes a colour. */
export function cssColor(hex: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})?$/i.exec(hex);
  if (!m) return hex;
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h, 16));
  if (m[4] === undefined || m[4].toLowerCase() === 'ff') return `rgb(${r}, ${g}, ${b})`;
  return `rgba(${r}, ${g}, ${b}, ${Math.round((parseInt(m[4], 16) / 255) * 1000) / 1000})`;
}
