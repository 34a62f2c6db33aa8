// Runs inside a real VS Code extension host (the workbench payload's extensionTestsPath) with
// Incident Desk in development mode: runs Incident: Roll Back… on an incident whose repository has
// 1,000 commits, and waits until the launcher (bench/wizardHost.ts), which watches the page, says the
// Target step's candidates are painted; then closes the wizard and opens it again. Writes one JSON
// result for the launcher, because the host's console goes to the browser. Reaches the wizard only
// by its command id and a structural view of the container, so this compiles on a build without it
// (the probe then says so).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IncidentDeskApi } from '../../src/extension';
import { REAL_ID } from './activationProtocol';
import { runProbe, sleep, until } from './probeParts';
import { measureBare } from './timelineProbe';
import { type PaintReport, ROLLBACK_COMMAND, WIZARD_ENV, type WizardOpen, type WizardProbeRequest, type WizardProbeResult } from './wizardProtocol';


/** The part of the wizard's launcher (container.rollback) the probe reads. */
interface WizardPanelView {
  readonly lastTarget?: { readonly problem: string | null; readonly stable: { readonly sha: string } | null; readonly candidates: readonly unknown[]; readonly rejected: readonly unknown[] };
  readonly panel: { dispose(): void };
}
interface WizardLauncherView {
  panel(incidentId: string): Promise<WizardPanelView | undefined>;
}

async function openOnce(launcher: WizardLauncherView, req: WizardProbeRequest, k: number): Promise<WizardOpen> {
  const painted = path.join(req.flagDir, `painted-${k}`);
  fs.rmSync(painted, { force: true });
  const t0 = Date.now();
  fs.writeFileSync(path.join(req.flagDir, `open-${k}`), JSON.stringify({ t0 }));
  const command = vscode.commands.executeCommand(ROLLBACK_COMMAND, req.incidentId);
  // The host's side, polled every 5 ms: when the panel existed and when its Target data was sent.
  let panelAt: number | null = null;
  let sentAt: number | null = null;
  let view: WizardPanelView | undefined;
  const host = (async () => {
    view = await until('the wizard panel', () => launcher.panel(req.incidentId), 30_000);
    panelAt = Date.now();
    await until('the Target data sent', () => view?.lastTarget, 30_000);
    sentAt = Date.now();
  })();
  host.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  await command;
  const report = await until('the launcher to see the candidates painted', () => (fs.existsSync(painted) ? (JSON.parse(fs.readFileSync(painted, 'utf8')) as PaintReport) : undefined), 60_000, 10);
  await host;
  const target = view!.lastTarget!;
  if (target.problem) throw new Error(`the wizard found a problem: ${target.problem}`);
  const since = (x: number | null) => (x === null ? null : x - t0);
  const open: WizardOpen = {
    paintMs: report.paintedAt - t0,
    split: { panelMs: since(panelAt), pageMs: report.pageAt - t0, appMs: since(report.appAt), sentMs: since(sentAt), paintedMs: report.paintedAt - t0 },
    choices: report.choices, via: report.via,
    stable: target.stable?.sha ?? null, candidates: target.candidates.length, rejected: target.rejected.length,
  };
  // Closed before the next open: that one builds a new webview, with the code cached.
  view!.panel.dispose();
  await until('the wizard to close', async () => ((await launcher.panel(req.incidentId)) ? undefined : true), 10_000, 20);
  return open;
}

async function measure(req: WizardProbeRequest): Promise<WizardProbeResult> {
  const ext = vscode.extensions.getExtension<IncidentDeskApi>(REAL_ID);
  if (!ext) throw new Error(`${REAL_ID} is not loaded`);
  const api = await ext.activate();
  const launcher = (api.container as unknown as { rollback?: WizardLauncherView }).rollback;
  if (!launcher || !(await vscode.commands.getCommands(true)).includes(ROLLBACK_COMMAND)) {
    throw new Error(`this build has no rollback wizard (${ROLLBACK_COMMAND}, container.rollback): it comes with the wizard's branch`);
  }
  await until('the incident in the store', () => api.container.incidents.store?.get(req.incidentId), 60_000, 50);
  const opens: WizardOpen[] = [];
  for (let k = 0; k < req.opens; k++) {
    opens.push(await openOnce(launcher, req, k));
    await sleep(300);
  }
  return { ok: true, opens };
}

export async function run(): Promise<void> {
  await runProbe<WizardProbeRequest, WizardProbeResult>(WIZARD_ENV, measureBare, measure);
}
