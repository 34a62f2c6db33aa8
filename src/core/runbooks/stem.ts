// A small English stemmer for matching incident titles with runbooks: "Disk full" should find
// "disks filling up", "Restarting" should find "Restart". Porter's stemmer (the `stemmer` package)
// was weighed and not taken: it is built for prose, and still leaves the pairs this needs apart
// (full/fill, failure/fail) while adding a dependency. What is needed is a handful of suffixes
// and a few word families, below; the same function stems both sides, so a stem only has to be
// consistent, not a real word (cache and caches both become "cach").

/** Word families the suffixes cannot join: a disk that is full is filling up; a failure failed. */
const FAMILIES: Readonly<Record<string, string>> = {
  full: 'fill',
  fullness: 'fill',
  failure: 'fail',
  died: 'die',
  dying: 'die',
  dead: 'die',
  ran: 'run',
  broke: 'break',
  broken: 'break',
  went: 'go',
  gone: 'go',
  down: 'down',
  outage: 'down',
};

const VOWEL = /[aeiouy]/;

/** `stopp` → `stop`, `runn` → `run`; not `fill`, `pass`, `buzz` (Porter's rule). */
function undouble(w: string): string {
  const last = w[w.length - 1];
  return w.length > 3 && last === w[w.length - 2] && !'lsz'.includes(last) && !VOWEL.test(last) ? w.slice(0, -1) : w;
}

/** A stem: only suffixes leave, and only when at least three letters with a vowel stay. */
function strip(w: string, suffix: string): string | undefined {
  if (!w.endsWith(suffix)) return undefined;
  const rest = w.slice(0, -suffix.length);
  return rest.length >= 3 && VOWEL.test(rest) ? rest : undefined;
}

/** The stem of a lower-case word (letters and digits). */
export function stem(word: string): string {
  const w = word.toLowerCase();
  if (FAMILIES[w]) return FAMILIES[w];
  if (w.length <= 3 || /\d/.test(w)) return w;
  let s = w;
  if (s.endsWith('ies') && s.length > 4) s = `${s.slice(0, -3)}y`;
  else if (s.endsWith('s') && !/(?:ss|us|is|os)$/.test(s)) s = s.slice(0, -1);
  const ing = strip(s, 'ing');
  const ed = s.endsWith('eed') ? undefined : strip(s, 'ed');
  if (ing) s = undouble(ing);
  else if (ed) s = undouble(ed);
  else {
    const ion = /[st]ion$/.test(s) ? strip(s, 'ion') : undefined;
    if (ion) s = ion;
  }
  if (FAMILIES[s]) return FAMILIES[s];
  // cache/caches/cached, restore/restoring: the final e goes, so each family meets on one stem.
  if (s.length > 4 && s.endsWith('e')) s = s.slice(0, -1);
  return s;
}
