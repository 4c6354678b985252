// exceljs's style (de)serialisers, which functions/core/spreadsheet-text.ts extends with the
// quotePrefix attribute; the package ships no types for its internals.
declare module 'exceljs/lib/xlsx/xform/style/style-xform' {
  const StyleXform: new (options?: { xfId?: boolean }) => object;
  export default StyleXform;
}
declare module 'exceljs/lib/xlsx/xform/style/styles-xform' {
  const StylesXform: new (initialise?: boolean) => object;
  export default StylesXform;
}
