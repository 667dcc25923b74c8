/**
 * Characters that make text lie about itself: invisible ones and bidirectional controls
 * (CVE-2021-42574, "Trojan Source"). Paths are refused for them; imported templates are
 * flagged for them.
 */

// Characters that render as nothing or reorder text: a name that looks like another name.
// The spec's list, plus U+061C (Arabic letter mark, a bidi control), U+2028/U+2029 (line
// breaks), U+206A–U+206F (deprecated format characters, ignored by HFS+ like ZWJ, which is how
// `.g\u200Cit` once reached `.git`) and U+FFF9–U+FFFB (interlinear annotation controls).
export const INVISIBLE_RANGES: readonly (readonly [number, number])[] = [
  [0x00ad, 0x00ad],
  [0x061c, 0x061c],
  [0x180e, 0x180e],
  [0x200b, 0x200f],
  [0x2028, 0x202e],
  [0x2060, 0x206f],
  [0xfeff, 0xfeff],
  [0xfff9, 0xfffb],
];

export function isInvisible(code: number): boolean {
  return INVISIBLE_RANGES.some(([low, high]) => code >= low && code <= high);
}

/** Hex digits of a code point as written after `U+`: at least four, upper case. */
export function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

export interface InvisibleCharacter {
  /** `U+202E` */
  readonly codePoint: string;
  /** Index in the string (UTF-16 units). */
  readonly index: number;
}

/** Every invisible or bidi character in `text`, with where it is. */
export function findInvisibleCharacters(text: string): InvisibleCharacter[] {
  const found: InvisibleCharacter[] = [];
  let index = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (isInvisible(code)) found.push({ codePoint: `U+${hex(code)}`, index });
    index += char.length;
  }
  return found;
}
