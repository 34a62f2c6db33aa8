// The rows the timeline app holds while they arrive: a reset's first screenful, then the ranges it
// asks the host for after its first paint, and live updates meanwhile. Pure (no DOM): the webview
// bundles it, the unit tests run it.
import type { TimelineRow } from './timelineRows';
import { compareRows } from './timelineView';

export class RowStream {
  /** The rows here, in time order (compareRows). */
  all: TimelineRow[] = [];
  private byKey = new Map<string, TimelineRow>();
  /** Rows of the last reset in all (delivered or not). */
  total = 0;
  generation = -1;
  /** Position, in the reset's order, of the next range to ask for. */
  cursor = 0;
  /** Rows of the reset that came in an update (a star) before their range: here, and still counted as to come. */
  private early = new Set<string>();

  reset(rows: readonly TimelineRow[], total: number, generation: number): void {
    this.all = [...rows].sort(compareRows);
    this.byKey = new Map(this.all.map((r) => [r.key, r]));
    this.total = Math.max(total, rows.length);
    this.generation = generation;
    this.cursor = rows.length;
    this.early = new Set();
  }

  /** Every row of the reset is here (counts, End and filters are then over the whole timeline). */
  get complete(): boolean {
    return this.cursor >= this.total;
  }

  /** Rows here or still to come: the reset's, and those appended since. */
  get count(): number {
    return this.all.length + Math.max(0, this.total - this.cursor - this.early.size);
  }

  /**
   * The next range of the reset's rows. A row already here came in an update since the reset (a star,
   * a milestone): newer than the range's, it is kept. `appended`: the new rows all sort after the
   * rows here (the usual case), so a filtered list can be extended rather than filtered again.
   */
  addRange(rows: readonly TimelineRow[]): { fresh: TimelineRow[]; appended: boolean } {
    this.cursor = rows.length === 0 ? this.total : this.cursor + rows.length;
    for (const r of rows) this.early.delete(r.key);
    if (this.complete) this.early.clear();
    const fresh = rows.filter((r) => !this.byKey.has(r.key));
    for (const r of fresh) this.byKey.set(r.key, r);
    if (fresh.length === 0) return { fresh, appended: true };
    const from = this.all.length;
    this.all = this.all.concat(fresh);
    let appended = true;
    for (let i = Math.max(1, from); i < this.all.length && appended; i++) appended = compareRows(this.all[i - 1], this.all[i]) <= 0;
    if (!appended) this.all.sort(compareRows);
    return { fresh, appended };
  }

  /**
   * Rows appended or changed (by key) since: the keys of the new ones. `added` (from the host) names
   * the rows that are new to the timeline; a row not here that is not among them is one of the
   * reset's, changed before its range arrived (a star while loading): not new.
   */
  upsert(rows: readonly TimelineRow[], added: readonly string[]): string[] {
    const isNew = new Set(added);
    const fresh: string[] = [];
    for (const r of rows) {
      if (!this.byKey.has(r.key)) {
        if (isNew.has(r.key) || this.complete) fresh.push(r.key);
        else this.early.add(r.key);
      }
      this.byKey.set(r.key, r);
    }
    this.all = [...this.byKey.values()].sort(compareRows);
    return fresh;
  }
}
