/**
 * Text widths from a TrueType font's own advance widths (`cmap` + `hmtx`), so the chart layout
 * measures text as resvg will draw it. ECharts on a server has no canvas to measure with and
 * falls back to a table of Latin widths that counts every other letter (ạ, ươ, Đ …) as a full
 * em: Vietnamese labels would wrap early, and legends and titles would be placed too wide.
 * Kerning is ignored (a pixel or two over a label, well inside the layout's margins).
 */

/** Measures a string in one font: width in px at `fontSize`. */
export interface FontMetrics {
  measure(text: string, fontSize: number): number;
}

/** Reads the advance widths of a TrueType font (BMP characters; others measure as one em). */
export function readFontMetrics(font: Uint8Array): FontMetrics {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const tables = new Map<string, number>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const record = 12 + 16 * i;
    const tag = String.fromCharCode(font[record]!, font[record + 1]!, font[record + 2]!, font[record + 3]!);
    tables.set(tag, view.getUint32(record + 8));
  }
  const table = (tag: string): number => {
    const offset = tables.get(tag);
    if (offset === undefined) throw new Error(`not a usable TrueType font: no ${tag} table`);
    return offset;
  };
  const unitsPerEm = view.getUint16(table('head') + 18);
  const numberOfHMetrics = view.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const advanceOf = (glyph: number): number => view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));
  const glyphOf = cmapFormat4(view, table('cmap'));

  const cache = new Map<number, number>();
  const advance = (codePoint: number): number => {
    let width = cache.get(codePoint);
    if (width === undefined) {
      const glyph = codePoint <= 0xffff ? glyphOf(codePoint) : 0;
      width = glyph === 0 && codePoint !== 0x20 ? unitsPerEm : advanceOf(glyph);
      cache.set(codePoint, width);
    }
    return width;
  };
  return {
    measure(text: string, fontSize: number): number {
      let units = 0;
      for (const ch of text.normalize('NFC')) units += advance(ch.codePointAt(0)!);
      return (units / unitsPerEm) * fontSize;
    },
  };
}

/** The glyph of a BMP character from the Windows Unicode (3,1) format 4 subtable; 0 when absent. */
function cmapFormat4(view: DataView, cmap: number): (codePoint: number) => number {
  const count = view.getUint16(cmap + 2);
  let subtable: number | undefined;
  for (let i = 0; i < count; i++) {
    const record = cmap + 4 + 8 * i;
    const platform = view.getUint16(record);
    const encoding = view.getUint16(record + 2);
    const offset = cmap + view.getUint32(record + 4);
    if (((platform === 3 && encoding === 1) || platform === 0) && view.getUint16(offset) === 4) {
      subtable = offset;
      if (platform === 3) break;
    }
  }
  if (subtable === undefined) throw new Error('not a usable TrueType font: no Unicode format 4 cmap');
  const segments = view.getUint16(subtable + 6) / 2;
  const ends = subtable + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  return (codePoint) => {
    for (let s = 0; s < segments; s++) {
      if (view.getUint16(ends + 2 * s) < codePoint) continue;
      const start = view.getUint16(starts + 2 * s);
      if (start > codePoint) return 0;
      const delta = view.getInt16(deltas + 2 * s);
      const rangeOffsetAt = rangeOffsets + 2 * s;
      const rangeOffset = view.getUint16(rangeOffsetAt);
      if (rangeOffset === 0) return (codePoint + delta) & 0xffff;
      const glyph = view.getUint16(rangeOffsetAt + rangeOffset + 2 * (codePoint - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}
