import { css } from 'lit';

export const timelineStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    height: 100vh;
    box-sizing: border-box;
    padding: 8px 16px 0;
  }
  header h1 { font-size: 1.3em; margin: 4px 0; }
  header p { margin: 0 0 6px; }
  .milestones, .targets { list-style: none; display: flex; flex-wrap: wrap; gap: 6px 10px; padding: 0; margin: 4px 0; }
  .target.met strong { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
  .target.missed strong { color: var(--vscode-errorForeground); }
  .target.pending strong { color: var(--vscode-descriptionForeground); }
  .toolbar, .note { display: flex; flex-wrap: wrap; gap: 6px 8px; align-items: center; margin: 6px 0; }
  .note vscode-textarea { flex: 1 1 320px; }
  .note .when { display: flex; gap: 6px; align-items: center; color: var(--vscode-descriptionForeground); }
  .count { margin: 4px 0; }
  lit-virtualizer { flex: 1 1 auto; min-height: 200px; border-top: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, transparent)); }
  .row { width: 100%; padding: 3px 4px; border-bottom: 1px solid var(--vscode-editorGroup-border, transparent); }
  .row:focus-within { background: var(--vscode-list-focusBackground); outline: 1px solid var(--vscode-list-focusOutline, transparent); }
  /* The focused row itself (arrow keys): inset, so the list's clipping never hides it; focusBorder is the high-contrast orange too. */
  .row:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
  .row.milestone { border-left: 3px solid var(--vscode-charts-blue, var(--vscode-focusBorder)); }
  .row.starred { background: var(--vscode-editor-findMatchHighlightBackground, transparent); }
  .row.damaged { color: var(--vscode-errorForeground); }
  .line { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
  .icon { width: 1.4em; text-align: center; }
  .tplus { min-width: 6.5em; }
  .clock { min-width: 13em; }
  .type { font-weight: 600; min-width: 9em; }
  .actor { color: var(--vscode-textPreformat-foreground, var(--vscode-foreground)); }
  .text { flex: 1 1 300px; white-space: pre-wrap; word-break: break-word; }
  .actions { display: flex; gap: 2px; }
  .badge { border-radius: 2px; padding: 0 4px; font-size: 0.85em;
    background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); border: 1px solid var(--vscode-contrastBorder, transparent); }
  .backdated { background: var(--vscode-editorWarning-foreground, var(--vscode-badge-background)); color: var(--vscode-editor-background); }
  .icon-button { background: none; border: 1px solid transparent; color: var(--vscode-foreground); cursor: pointer; font: inherit; padding: 0 4px; min-width: 1.8em; }
  .icon-button:hover { background: var(--vscode-toolbar-hoverBackground); outline: 1px dashed var(--vscode-toolbar-hoverOutline, transparent); }
  .icon-button[aria-pressed='true'] { color: var(--vscode-charts-yellow, var(--vscode-foreground)); }
  .details { margin: 4px 0 4px 2.2em; display: grid; gap: 2px; }
  .detail { display: grid; grid-template-columns: 9em 1fr; gap: 6px; align-items: start; }
  .detail .label { color: var(--vscode-descriptionForeground); }
  .detail .value { white-space: pre-wrap; word-break: break-word; }
  .detail button.link { grid-column: 2; justify-self: start; }
`;
