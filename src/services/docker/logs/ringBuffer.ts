export interface RingBufferOptions<T> {
  /** Most items held; at least 1. */
  readonly maxItems: number;
  /** Most total size held, as measured by `sizeOf`; the newest item is kept even when alone it is larger. */
  readonly maxBytes: number;
  readonly sizeOf: (item: T) => number;
}

/** Items a consumer had not taken yet, and how many it lost to eviction since its last take. */
export interface Taken<T> {
  readonly items: T[];
  readonly dropped: number;
}

/**
 * A bounded buffer of the newest items (log lines for a view), bounded in count and in size: when
 * full, the oldest go. It also tracks which items a consumer has not taken yet: `take()` hands
 * those over in one batch, and an item evicted before it was taken counts as `dropped`, so the
 * view can say "N lines dropped" instead of the buffer growing without end.
 */
export class RingBuffer<T> {
  private readonly slots: (T | undefined)[];
  private readonly sizes: Float64Array;
  private readonly maxItems: number;
  private readonly maxBytes: number;
  private readonly sizeOf: (item: T) => number;
  /** Index of the oldest item. */
  private head = 0;
  private count = 0;
  private totalBytes = 0;
  /** The newest `pendingCount` items have not been taken. */
  private pendingCount = 0;
  private pendingSize = 0;
  private droppedTotal = 0;
  private droppedUntaken = 0;
  private evictedTotal = 0;

  constructor(options: RingBufferOptions<T>) {
    this.maxItems = Math.max(1, Math.floor(options.maxItems));
    this.maxBytes = Math.max(0, options.maxBytes);
    this.sizeOf = options.sizeOf;
    this.slots = new Array<T | undefined>(this.maxItems).fill(undefined);
    this.sizes = new Float64Array(this.maxItems);
  }

  get length(): number {
    return this.count;
  }

  /** Total size of the items held. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Items not taken yet. */
  get pending(): number {
    return this.pendingCount;
  }

  get pendingBytes(): number {
    return this.pendingSize;
  }

  /** Items evicted before a consumer took them, since the buffer was made. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Items evicted before they were taken, since the last take. */
  get droppedSinceTake(): number {
    return this.droppedUntaken;
  }

  /** All items evicted, taken or not (a view's scrollback trimming its oldest lines). */
  get evicted(): number {
    return this.evictedTotal;
  }

  /** Adds an item a consumer has yet to take. */
  push(item: T): void {
    this.add(item);
  }

  pushAll(items: readonly T[]): void {
    for (let i = 0; i < items.length; i++) this.add(items[i]);
  }

  /** The newest `lastN` items (all when omitted), oldest first. */
  snapshot(lastN?: number): T[] {
    const n = lastN === undefined ? this.count : Math.max(0, Math.min(this.count, Math.floor(lastN)));
    return this.range(this.count - n, n);
  }

  /**
   * Hands over the items not taken yet, oldest first, with the number evicted untaken since the last
   * take. With `release`, the buffer then lets go of them (a consumer that keeps its own history).
   */
  take(release = false): Taken<T> {
    const items = this.range(this.count - this.pendingCount, this.pendingCount);
    const dropped = this.droppedUntaken;
    this.pendingCount = 0;
    this.pendingSize = 0;
    this.droppedUntaken = 0;
    if (release) this.releaseAll();
    return { items, dropped };
  }

  /** Lets go of every item held (all taken): the consumer keeps them, so the buffer need not. Not counted as evicted. */
  private releaseAll(): void {
    for (let i = 0; i < this.count; i++) this.slots[(this.head + i) % this.maxItems] = undefined;
    this.head = (this.head + this.count) % this.maxItems;
    this.count = 0;
    this.totalBytes = 0;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.totalBytes = 0;
    this.pendingCount = 0;
    this.pendingSize = 0;
  }

  private add(item: T): void {
    const size = this.sizeOf(item);
    while (this.count > 0 && (this.count === this.maxItems || this.totalBytes + size > this.maxBytes)) this.evictOldest();
    const at = (this.head + this.count) % this.maxItems;
    this.slots[at] = item;
    this.sizes[at] = size;
    this.count++;
    this.totalBytes += size;
    this.pendingCount++;
    this.pendingSize += size;
  }

  private evictOldest(): void {
    const size = this.sizes[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.maxItems;
    this.count--;
    this.totalBytes -= size;
    this.evictedTotal++;
    // Pending items are always the newest, so the oldest is pending only when all are.
    if (this.pendingCount > this.count) {
      this.pendingCount--;
      this.pendingSize -= size;
      this.droppedTotal++;
      this.droppedUntaken++;
    }
  }

  private range(from: number, n: number): T[] {
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = this.slots[(this.head + from + i) % this.maxItems] as T;
    return out;
  }
}
