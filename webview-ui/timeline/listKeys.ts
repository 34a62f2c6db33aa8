// Keys that move the focus between the timeline's rows (the list is one tab stop: see main.ts).

/** The row a navigation key moves to from `current`, among `count` rows, `page` rows a screen; undefined for any other key. */
export function targetIndex(key: string, current: number, count: number, page: number): number | undefined {
  if (count === 0) return undefined;
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case 'ArrowDown': return clamp(current + 1);
    case 'ArrowUp': return clamp(current - 1);
    case 'PageDown': return clamp(current + Math.max(1, page));
    case 'PageUp': return clamp(current - Math.max(1, page));
    case 'Home': return 0;
    case 'End': return count - 1;
    default: return undefined;
  }
}
