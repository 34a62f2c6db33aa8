// Styles every app shares, as Lit CSS (constructed stylesheets: no <style> element, no inline
// style, so the strict CSP needs no 'unsafe-inline'). Colours come only from VS Code's --vscode-*
// variables, so light, dark and high-contrast themes (and theme changes while open) just work.
import { css } from 'lit';

export const baseStyles = css`
  :host {
    display: block;
    color: var(--vscode-foreground);
    font-family: var(--vscode-font-family);
    font-size: var(--vscode-font-size);
    font-weight: var(--vscode-font-weight);
  }
  :host *:focus-visible {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: 1px;
  }
  button.link {
    background: none;
    border: none;
    padding: 0;
    color: var(--vscode-textLink-foreground);
    cursor: pointer;
    font: inherit;
    text-decoration: underline;
  }
  button.link:hover {
    color: var(--vscode-textLink-activeForeground);
  }
  .muted {
    color: var(--vscode-descriptionForeground);
  }
  .error {
    color: var(--vscode-errorForeground);
  }
  code, pre, .mono {
    font-family: var(--vscode-editor-font-family);
    font-size: var(--vscode-editor-font-size);
  }
  pre {
    white-space: pre-wrap;
    word-break: break-all;
    margin: 4px 0;
    padding: 4px 6px;
    background: var(--vscode-textCodeBlock-background);
    border: 1px solid var(--vscode-contrastBorder, transparent);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/** Applies page-level styles (body margin, background) without a <style> element. */
export function adoptDocumentStyles(): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`
    html, body { margin: 0; padding: 0; height: 100%; }
    body { background: var(--vscode-editor-background); color: var(--vscode-foreground); }
  `);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
