import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

/** Where the bundled apps are (scripts/build.mjs): `dist/webview/<name>.js`. */
export const WEBVIEW_DIST = ['dist', 'webview'] as const;

/**
 * Options for every panel: scripts on, and only the built apps and media/ readable. Nothing else of
 * the extension or the workspace can be loaded into the webview.
 */
export function webviewOptions(extensionUri: vscode.Uri, joinPath: (base: vscode.Uri, ...parts: string[]) => vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [joinPath(extensionUri, ...WEBVIEW_DIST), joinPath(extensionUri, 'media')],
  };
}

export function nonce(): string {
  return randomBytes(18).toString('base64').replace(/[+/=]/g, '');
}

export interface ShellOptions {
  /** The app's name: `dist/webview/<name>.js`. */
  name: string;
  /** The document's title (screen readers announce it); text, escaped here. */
  title: string;
  /** The app's script, already as a webview URI. */
  scriptUri: vscode.Uri;
  cspSource: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * The page every webview starts from: a strict CSP (nothing by default; the one script by nonce;
 * styles and fonts from the webview's own resource origin; no inline handlers, no eval, no
 * network), an empty root the app renders into, and the app's module. Everything the page shows
 * comes later, through messages, and is rendered by the app as text.
 */
export function renderShell(o: ShellOptions): string {
  const n = nonce();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${n}'`,
    `style-src ${o.cspSource}`,
    `font-src ${o.cspSource}`,
    `img-src ${o.cspSource} data:`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(o.title)}</title>
</head>
<body data-app="${escapeHtml(o.name)}">
<div id="app" role="application" aria-busy="true"></div>
<script type="module" nonce="${n}" src="${escapeHtml(o.scriptUri.toString())}"></script>
</body>
</html>`;
}
