export interface RingBufferOptions<T> {
  /** Most items held; at least 1. */
  readonly maxItems: number;
  /** Most total size held, as measured by `sizeOf`; the newest item is kept even when alone it is larger. */
  readonly maxBytes: number;
  readonly sizeOf: (item: T) => number;
}

/** The items a consumer had not taken yet, and how many it lost to eviction since its last take. */
export interface Taken<T> {
  readonly items: T[];
  readonly dropped: number;
}

/**
 * The items (log lines) a consumer has not taken yet, bounded in count and in size: when full, the
 * oldest go and are counted as dropped, so a burst that outruns the consumer costs a count, never
 * memory. `take()` hands them all over in one batch and lets go of them: the consumer keeps its
 * own history, and a line's objects live from the socket to the consumer, short enough to die
 * young in V8's heap. What this holds is bounded whenever GC runs.
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
  private droppedTotal = 0;
  private droppedUntaken = 0;

  constructor(options: RingBufferOptions<T>) {
    this.maxItems = Math.max(1, Math.floor(options.maxItems));
    this.maxBytes = Math.max(0, options.maxBytes);
    this.sizeOf = options.sizeOf;
    this.slots = new Array<T | undefined>(this.maxItems).fill(undefined);
    this.sizes = new Float64Array(this.maxItems);
  }

  /** Items not taken yet. */
  get pending(): number {
    return this.count;
  }

  /** Total size of the items not taken yet. */
  get pendingBytes(): number {
    return this.totalBytes;
  }

  /** Items evicted before a consumer took them, since the buffer was made. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Items evicted before they were taken, since the last take. */
  get droppedSinceTake(): number {
    return this.droppedUntaken;
  }

  /** Adds an item for the consumer; the oldest go (counted) while the bounds are exceeded. */
  push(item: T): void {
    const size = this.sizeOf(item);
    while (this.count > 0 && (this.count === this.maxItems || this.totalBytes + size > this.maxBytes)) this.evictOldest();
    const at = (this.head + this.count) % this.maxItems;
    this.slots[at] = item;
    this.sizes[at] = size;
    this.count++;
    this.totalBytes += size;
  }

  /** Hands over every item held, oldest first, with the number evicted since the last take, and lets go of them. */
  take(): Taken<T> {
    const items = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) {
      const at = (this.head + i) % this.maxItems;
      items[i] = this.slots[at] as T;
      this.slots[at] = undefined;
    }
    const dropped = this.droppedUntaken;
    this.head = (this.head + this.count) % this.maxItems;
    this.count = 0;
    this.totalBytes = 0;
    this.droppedUntaken = 0;
    return { items, dropped };
  }

  /** Lets go of everything held, not counted as dropped. */
  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.totalBytes = 0;
    this.droppedUntaken = 0;
  }

  private evictOldest(): void {
    this.totalBytes -= this.sizes[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.maxItems;
    this.count--;
    this.droppedTotal++;
    this.droppedUntaken++;
  }
}
