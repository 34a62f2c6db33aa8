import { css } from 'lit';

export const rollbackStyles = css`
  :host { box-sizing: border-box; padding: 8px 16px 24px; max-width: 1100px; }
  h1 { font-size: 1.3em; margin: 4px 0; }
  h2 { font-size: 1.1em; margin: 12px 0 6px; }
  h3 { font-size: 1em; margin: 12px 0 4px; }
  .steps ol { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 0; margin: 6px 0; }
  .steps li { color: var(--vscode-descriptionForeground); }
  .steps li[aria-current='step'] { color: var(--vscode-foreground); font-weight: bold; border-bottom: 2px solid var(--vscode-focusBorder); }
  .step-status { margin: 2px 0 8px; }
  .box { padding: 6px 10px; margin: 8px 0; border-left: 3px solid var(--vscode-focusBorder); background: var(--vscode-textBlockQuote-background, transparent); }
  .box.warn { border-left-color: var(--vscode-editorWarning-foreground, var(--vscode-charts-orange)); }
  .box.bad { border-left-color: var(--vscode-errorForeground); }
  .box p { margin: 2px 0; }
  ul.evidence { margin: 2px 0 4px 1.6em; padding-left: 1em; }
  ul.evidence li { color: var(--vscode-descriptionForeground); }
  fieldset { border: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, transparent)); margin: 8px 0; padding: 4px 10px 8px; }
  legend { padding: 0 4px; font-weight: bold; }
  .choice { padding: 4px 0; }
  .choice label { display: inline-flex; gap: 8px; align-items: baseline; cursor: pointer; }
  .choice.selected { background: var(--vscode-list-inactiveSelectionBackground, transparent); }
  input[type='radio'], input[type='checkbox'] { accent-color: var(--vscode-focusBorder); margin: 0; }
  input:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
  .sha { font-family: var(--vscode-editor-font-family); color: var(--vscode-textPreformat-foreground, var(--vscode-foreground)); }
  .badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 0.9em;
    background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
  .badge.risk-migration, .badge.risk-unreachable { background: var(--vscode-inputValidation-errorBackground, var(--vscode-badge-background)); color: var(--vscode-foreground);
    border: 1px solid var(--vscode-inputValidation-errorBorder, transparent); }
  form.typed { display: flex; flex-wrap: wrap; gap: 6px 8px; align-items: center; margin: 8px 0; }
  form.typed vscode-textfield { flex: 0 1 320px; }
  .nav { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 16px 0 4px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 2px 8px 2px 0; vertical-align: top; }
  th { color: var(--vscode-descriptionForeground); font-weight: normal; }
  tbody tr { border-top: 1px solid var(--vscode-editorGroup-border, transparent); }
  .risks li { margin: 4px 0; }
  .ack { display: flex; gap: 8px; align-items: center; margin: 6px 0 6px 1.2em; }
  .stat .ins { color: var(--vscode-gitDecoration-addedResourceForeground, var(--vscode-charts-green)); }
  .stat .del { color: var(--vscode-gitDecoration-deletedResourceForeground, var(--vscode-errorForeground)); }
  details summary { cursor: pointer; }
  .box.good { border-left-color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
  .box.confirm ol, ol.commands, ol.run-commands { margin: 4px 0; padding-left: 1.6em; }
  pre.command { margin: 2px 0 6px; padding: 4px 8px; white-space: pre-wrap; word-break: break-all;
    background: var(--vscode-textCodeBlock-background, transparent); border: 1px solid var(--vscode-editorGroup-border, transparent); }
  pre.output { margin: 2px 0 8px; padding: 4px 8px; max-height: 320px; overflow: auto; white-space: pre-wrap; word-break: break-all;
    background: var(--vscode-terminal-background, var(--vscode-editor-background)); color: var(--vscode-terminal-foreground, var(--vscode-foreground)); }
  .run-command { margin: 4px 0; }
  .mark { display: inline-block; width: 1.2em; font-weight: bold; }
  .state-ok, .check-passed, .probe.ok { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
  .state-failed, .state-cancelled, .check-failed { color: var(--vscode-testing-iconFailed, var(--vscode-errorForeground)); }
  .state-unknown, .check-unknown, .state-running { color: var(--vscode-editorWarning-foreground, var(--vscode-charts-orange)); }
  .probe.fail { color: var(--vscode-descriptionForeground); }
  ul.checks { list-style: none; padding-left: 0; }
  ul.checks li { margin: 4px 0; }
  .host-pick { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; }
  select { font: inherit; color: var(--vscode-dropdown-foreground); background: var(--vscode-dropdown-background);
    border: 1px solid var(--vscode-dropdown-border, transparent); padding: 2px 4px; }
  .strategy .details { margin-left: 1.8em; }
  ul.problems, ul.notes { margin: 2px 0; padding-left: 1.2em; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;
