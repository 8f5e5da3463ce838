/** Vietnamese text helpers: fold diacritics for search, normalise to NFC for storage. */

/** NFC, trimmed, inner white space collapsed. What we store. */
export function normalizeName(s: string): string {
  return s.normalize("NFC").trim().replace(/\s+/gu, " ");
}

/** Lower case, no diacritics, đ → d: "Bắc Kạn" → "bac kan". */
export function foldDiacritics(s: string): string {
  return normalizeName(s)
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{Mn}+/gu, "")
    .replace(/đ/gu, "d")
    .normalize("NFC");
}

/** Lower case with diacritics kept: "Bắc Kạn" → "bắc kạn". */
export function lowerName(s: string): string {
  return normalizeName(s).toLowerCase();
}

/** True when the text carries any Vietnamese diacritic (so a search should respect them). */
export function hasDiacritics(s: string): boolean {
  return foldDiacritics(s) !== lowerName(s);
}

/** Escape % _ and \ for a LIKE pattern (the default escape character is \). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/gu, (c) => `\\${c}`);
}
