/** Excel number formats of field types (no exceljs here: the consolidation report and the email use them too). */
import { DEFAULT_DECIMALS, type FieldType } from './definition';

export const NUMBER_FORMATS: Record<FieldType, string | undefined> = {
  whole: '#,##0',
  money: '#,##0',
  decimal: '#,##0.00',
  date: 'dd/mm/yyyy',
  text: '@',
  choice: '@',
};

/**
 * The number format of a column: a decimal shows exactly its `decimals` places (`#,##0.##`
 * would print 12 as "12." in Excel); other types by `NUMBER_FORMATS`.
 */
export function numberFormatOf(type: FieldType, decimals?: number): string | undefined {
  if (type !== 'decimal') return NUMBER_FORMATS[type];
  const places = decimals ?? DEFAULT_DECIMALS;
  return places === 0 ? '#,##0' : `#,##0.${'0'.repeat(places)}`;
}
