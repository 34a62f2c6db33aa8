/**
 * The parsed form of a runbook, markdown or YAML. This shape is what the Runbooks tree shows, what
 * `incident-desk runbook <file> --json` prints, and what lint checks. Lines and columns are 1-based.
 */
export interface Runbook {
  /** Absolute or workspace-relative path it was read from. */
  file: string;
  format: 'markdown' | 'yaml';
  title: string;
  /** Severity from the title or front matter, if any (e.g. "P1", "SEV2"). */
  severity?: string;
  /** Services the runbook is about (YAML `services`, or none). */
  services: string[];
  /** Words describing when it applies (YAML `symptoms`, markdown "Symptoms" items), for suggestions. */
  symptoms: string[];
  sections: RunbookSection[];
  /** Problems found while reading, with where they are. */
  diagnostics: RunbookDiagnostic[];
  /**
   * Only listed, not parsed yet: `title` (and `severity` when written before or in the title) are
   * known; sections, services, symptoms and diagnostics come with the full parse (RunbookIndex).
   */
  partial?: true;
}

export interface RunbookSection {
  title: string;
  /** Heading level (1-6; 0 for a YAML runbook's single implicit section). */
  level: number;
  /** The severity that applies here: written in this heading or inherited from an enclosing one. */
  severity?: string;
  /** What kind of part this is, when the heading says so. */
  part?: SectionPart;
  line: number;
  steps: RunbookStep[];
  /** `- [ ]` / `- [x]` items. */
  checklist: ChecklistItem[];
  /** Nested sections (deeper headings). */
  sections: RunbookSection[];
}

export type SectionPart = 'symptoms' | 'immediate' | 'diagnosis' | 'resolution' | 'verification' | 'escalation' | 'communication' | 'prevention' | 'postIncident';

export interface RunbookStep {
  /** The numbered item's text, the first command's `#` comment, or the first command itself. */
  title: string;
  line: number;
  commands: RunbookCommand[];
  /** YAML: the host profile to run on. */
  host?: string;
  /** YAML: the question before running says to check target and command (dangerous commands are asked about anyway: RunbookCommand.destructive). */
  confirm?: boolean;
  /** YAML: what the output should show (text or /regex/), checked by the runner where it can. */
  expect?: string;
  /**
   * Done by hand: made from `#` comment lines in a code block that no command follows ("# 2. Key
   * user flows work"). Its title is their first line; the rest is a text command. Mark Done, no Run.
   */
  manual?: true;
}

export interface RunbookCommand {
  /** Fence language as written, lowercased (`bash`, `sh`, `shell`, `powershell`, `sql`, …); `''` when none. */
  language: string;
  /** The command exactly as it will be sent (continuation lines and heredocs kept whole). */
  run: string;
  /** Shell commands are runnable; SQL, TypeScript and other languages are shown, not run. */
  runnable: boolean;
  /**
   * Text written inside a shell block, not a command (`Email: …`, `- Account ID`, a bare URL, or
   * `#` comments no command follows): shown as written, never run (`runnable` is false).
   */
  text?: true;
  /** Placeholders found in `run`, in order of first appearance, without duplicates. */
  placeholders: Placeholder[];
  line: number;
  /** The `#` comment lines right above it, used as its label. */
  label?: string;
  /**
   * Why it destroys something no later step brings back (`rm -rf`, a force push, `DROP TABLE`, a
   * restore over a database): Run then asks for the target's name typed out, the CLI for
   * `--allow-dangerous`. Set by markDangers for both formats.
   */
  destructive?: string;
}

export interface Placeholder {
  /** As written: `[backup-file]`, `<commit-hash>`, `$DATABASE_URL`, `${workdir}`. */
  token: string;
  /** Normalised name used to remember values: `backup-file`, `commit-hash`, `DATABASE_URL`, `workdir`. */
  name: string;
  kind: 'bracket' | 'angle' | 'env' | 'variable';
}

export interface ChecklistItem {
  text: string;
  checked: boolean;
  line: number;
}

export interface RunbookDiagnostic {
  severity: 'error' | 'warning' | 'info';
  message: string;
  line: number;
  column: number;
}
