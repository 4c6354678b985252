import { parseNumberText, quoteText, readDate, readNumber, toRawCell } from '../../../functions/core/forms/cell-values';

describe('parseNumberText', () => {
  describe('reads Vietnamese number notation', () => {
    it.each([
      ['1.234', 1234],
      ['1.234.567', 1234567],
      ['12,5', 12.5],
      ['1.234,5', 1234.5],
      ['0', 0],
      ['  42  ', 42],
      ['\u00A01.234\u00A0', 1234],
      ['1 234 567', 1234567],
      ['1\u202F234', 1234],
      ['１２３', 123],
      ['１．２３４', 1234],
      ['-5', -5],
      ['1,234,567', 1234567],
      ['12.5', 12.5],
    ])('reads %j as %d', (text, expected) => {
      expect(parseNumberText(text)).toEqual({ ok: true, value: expected, fromText: true });
    });
  });

  describe('never guesses', () => {
    it('flags 1,234 as ambiguous (one thousand… or one point…)', () => {
      expect(parseNumberText('1,234')).toEqual({ ok: false, reason: 'ambiguous' });
    });
    it.each(['abc', '12a', '1..2', '1.23.4', '5%', '1,2,3'])('rejects %j as not a number', (text) => {
      expect(parseNumberText(text)).toEqual({ ok: false, reason: 'not-number' });
    });
    it('treats spaces only (including non-breaking) as blank, not zero', () => {
      expect(parseNumberText(' \u00A0 ')).toEqual({ ok: false, reason: 'blank' });
      expect(readNumber(toRawCell('\u00A0'))).toEqual({ ok: false, reason: 'blank' });
      expect(readNumber(toRawCell(null))).toEqual({ ok: false, reason: 'blank' });
    });
  });
});

describe('toRawCell', () => {
  it('uses the cached result of a formula and marks it', () => {
    expect(toRawCell({ formula: 'A1+B1', result: 7 })).toEqual({ kind: 'number', value: 7, fromFormula: true });
  });
  it('reports a formula without a cached result', () => {
    expect(toRawCell({ formula: 'A1+B1' })).toEqual({ kind: 'formula-no-value', formula: 'A1+B1' });
  });
  it('joins rich text and reads error values', () => {
    expect(toRawCell({ richText: [{ text: '1.' }, { text: '234' }] })).toEqual({ kind: 'text', value: '1.234' });
    expect(toRawCell({ error: '#REF!' })).toEqual({ kind: 'error', value: '#REF!' });
  });
});

describe('readDate', () => {
  it.each([
    [new Date('2026-03-05T00:00:00Z'), '2026-03-05'],
    ['05/03/2026', '2026-03-05'],
    ['5.3.2026', '2026-03-05'],
    ['2026-03-05', '2026-03-05'],
    [46086, '2026-03-05'],
  ])('reads %j as %s', (value, iso) => {
    expect(readDate(toRawCell(value))).toEqual({ ok: true, value: iso });
  });
  it.each(['31/02/2026', 'hôm nay', '2026/13/01'])('rejects %j', (value) => {
    expect(readDate(toRawCell(value))).toEqual({ ok: false, reason: 'not-date' });
  });
});

describe('quoteText', () => {
  it('keeps short text as typed', () => {
    expect(quoteText('12 người (tạm tính)')).toBe('12 người (tạm tính)');
  });

  it('cuts long text to 60 characters with "…", so a message never repeats a whole cell', () => {
    const quoted = quoteText('Số liệu đang chờ tổng hợp. '.repeat(500));
    expect(Array.from(quoted)).toHaveLength(60);
    expect(quoted.endsWith('…')).toBe(true);
    expect(quoted.startsWith('Số liệu đang chờ tổng hợp.')).toBe(true);
  });

  it('never splits a character made of two UTF-16 units', () => {
    const quoted = quoteText('𝟏'.repeat(100));
    expect(quoted).toBe(`${'𝟏'.repeat(59)}…`);
  });
});
