import * as vscode from 'vscode';
import { ActionError } from '../core/incidents/actions';
import { StoreError } from '../core/incidents/storeErrors';
import { REDACT_PATTERNS_KEY, RedactionError } from '../core/redaction/patterns';
import type { IncidentsController } from '../incidents/incidentsController';
import type { RunbooksController } from '../runbooks/runbooksController';
import type { LocalStepRunner } from '../terminals/localStepRunner';
import type { HostsController } from '../remote/hostsController';
import type { LogViews } from '../terminals/logViews';
import type { RemoteStepTerminals } from '../terminals/remoteStepTerminal';
import type { RunbooksTreeProvider } from '../views/runbooksTree';
import type { ComponentLog, Log } from '../log';
import type { Notices } from '../notices';

/** Thrown when the user dismisses a prompt: the command ends quietly. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

/** An argument a command was given (by code, not the input box) that does not pass validation. */
export class InvalidInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInput';
  }
}

/** What every command gets: the controller and a log. */
export interface CommandContext {
  incidents: IncidentsController;
  runbooks: { controller: RunbooksController; tree: RunbooksTreeProvider; runner: LocalStepRunner };
  remote: { hosts: HostsController; stepTerminals: RemoteStepTerminals; logViews: LogViews };
  log: ComponentLog;
  logChannel: Log;
  /** Every message a command shows goes through here (the integration tests read them back). */
  notices: Notices;
  /** The timeline panels (their code loads on first open). */
  timeline: { open(incidentId: string): Promise<unknown> };
  /** The rollback wizards (their code loads on first open). */
  rollback: { open(incidentId: string): Promise<unknown> };
}

export interface CommandDefinition {
  id: string;
  run(ctx: CommandContext, ...args: unknown[]): Promise<unknown>;
}

/**
 * Registers a command behind the one error wrapper: cancellation is silent, refusals are explained,
 * write failures say the change is kept and offer a retry, record errors open the file at the spot.
 */
export function registerCommand(def: CommandDefinition, ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand(def.id, async (...args: unknown[]) => {
    try {
      await ctx.incidents.start().catch(() => undefined); // its own failure is logged where it happens
      return await def.run(ctx, ...args);
    } catch (e) {
      if (e instanceof Cancelled) return undefined;
      await report(def.id, e, ctx);
      return undefined;
    }
  });
}

/** Shows what went wrong without waiting for the user: the command settles at once. */
async function report(id: string, e: unknown, ctx: CommandContext): Promise<void> {
  if (e instanceof InvalidInput) {
    void vscode.window.showErrorMessage(e.message);
    return;
  }
  if (ActionError.is(e)) {
    void ctx.notices.info(e.message);
    return;
  }
  ctx.log.error(`${id}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  if (RedactionError.is(e, 'invalidPattern')) {
    // Nothing was written: a pattern skipped would let through the secret it was written for.
    void ctx.notices.error(e.message, 'Open Settings').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', REDACT_PATTERNS_KEY);
    });
    return;
  }
  if (StoreError.is(e, 'writeFailed')) {
    void ctx.notices.warn(e.message, 'Retry Now', 'Show Log').then((pick) => {
      if (pick === 'Retry Now') void vscode.commands.executeCommand('incidentDesk.incidents.retryPendingWrites');
      if (pick === 'Show Log') ctx.logChannel.show();
    });
    return;
  }
  if (StoreError.is(e) && e.location?.line) {
    const loc = e.location;
    void vscode.window.showErrorMessage(e.message, 'Open File').then((pick) => {
      if (pick) void ctx.incidents.openFile(vscode.Uri.file(loc.file), loc.line, loc.column);
    });
    return;
  }
  if (StoreError.is(e)) {
    void vscode.window.showErrorMessage(e.message);
    return;
  }
  void vscode.window.showErrorMessage(`Incident Desk: ${e instanceof Error ? e.message : String(e)}`, 'Show Log').then((pick) => {
    if (pick) ctx.logChannel.show();
  });
}
