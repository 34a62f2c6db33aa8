// Reads of an incident finish out of order (the file watcher's folder scans, the stat check, a
// write's own re-read): a write must return with its change in the store's entry, even when a folder
// scan that started after its re-read is still reading. CI saw Copy Status Update render the state
// from before a setStatus that had returned (its re-read was dropped for a scan still under way).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setStatus } from '../../../../src/core/incidents/actions';
import { IncidentStore } from '../../../../src/core/incidents/incidentStore';
import { TempDirs } from '../../support/tempDirs';

describe('IncidentStore: the order reads finish in', function () {
  this.timeout(20_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it("a write's own re-read is in the entry when the write returns, though a folder scan started after it is still reading", async () => {
    const root = await temp.make();
    const store = new IncidentStore({ root });
    await store.loadAll();
    const incident = await store.declare({ title: 'Checkout returns 502', severity: 'P2', service: 'web' }, 'Dana');
    const record = path.join(root, 'incidents', incident.id, 'incident.yaml');
    // Real file-system calls, held at one point: a scan's read of this incident waits until released.
    const real = fs.promises.lstat;
    let armed = true;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let scan: Promise<void> | undefined;
    let scanHeld = false;
    fs.promises.lstat = (async (p: fs.PathLike, ...rest: unknown[]) => {
      if (armed && String(p) === record) {
        if (!scan) {
          // The write's re-read has begun (its stat of the record): now the watcher's scan starts too.
          scan = store.loadAll();
        } else {
          scanHeld = true;
          await held;
        }
      }
      return (real as (...a: unknown[]) => Promise<fs.Stats>)(p, ...rest);
    }) as typeof fs.promises.lstat;
    try {
      await store.record(incident.id, setStatus(incident, 'identified', 'Dana', new Date().toISOString()));
      assert.ok(scan, 'the write re-read the incident');
      assert.ok(scanHeld, 'the scan was reading the incident when the write returned');
      assert.equal(store.get(incident.id)?.incident.status, 'identified', 'the entry holds the change the write just made');
    } finally {
      armed = false;
      fs.promises.lstat = real;
      release();
      await scan;
    }
    // The scan, released, read the disk after the write: it leaves the entry as new.
    assert.equal(store.get(incident.id)?.incident.status, 'identified');
  });
});
