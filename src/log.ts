import * as vscode from 'vscode';

/** The one log channel, tagged per component ("[store] …"). */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Incident Desk', { log: true });

  for(component: string): ComponentLog {
    return {
      info: (m) => this.channel.info(`[${component}] ${m}`),
      warn: (m) => this.channel.warn(`[${component}] ${m}`),
      error: (m) => this.channel.error(`[${component}] ${m}`),
    };
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

export interface ComponentLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
