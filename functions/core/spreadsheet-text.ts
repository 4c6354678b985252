/**
 * Text from units (narrative answers, table rows, names) that a spreadsheet would take for a
 * formula — it starts with `=`, `+`, `-`, `@`, a tab or a carriage return (OWASP CSV injection;
 * also their full-width forms, which Excel accepts from an East Asian IME) — is written as a
 * string cell *with Excel's quote prefix* (`quotePrefix="1"` on the cell's style, what typing
 * `'=…` in Excel records). A string cell alone is never evaluated when the file opens, but the
 * first re-edit (F2, Enter) in Excel or LibreOffice would turn it into a live formula; the quote
 * prefix keeps it text. Numbers are never touched: a negative figure stays a number.
 *
 * exceljs (4.4) neither writes nor reads `quotePrefix`, so this module teaches it both, once, on
 * import: the cell style's `quotePrefix: true` becomes the attribute of its `<xf>` and back. Every
 * workbook writer gets its styles through `textStyle`, which imports this module.
 */
import type { Style } from 'exceljs';
import StyleXform from 'exceljs/lib/xlsx/xform/style/style-xform';
import StylesXform from 'exceljs/lib/xlsx/xform/style/styles-xform';

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** True when a spreadsheet would read this text as a formula (or start of one) if it were typed. */
export function looksLikeFormula(text: string): boolean {
  return FORMULA_START.test(text);
}

/** A cell style with Excel's quote prefix (exceljs's `Style` lacks the flag; this module adds it). */
export type TextStyle = Partial<Style> & { quotePrefix?: boolean };

const quoted = new WeakMap<object, TextStyle>();
const EMPTY: TextStyle = {};

/**
 * The style to give a cell holding `value`: `style` itself, or — for formula-looking text — the
 * same style with the quote prefix. The quoted copy is cached per style object, because exceljs
 * numbers styles by object identity (one `<xf>` per shared object, not one per cell).
 */
export function textStyle<S extends TextStyle>(value: unknown, style: S | undefined): S | TextStyle {
  const base = style ?? EMPTY;
  if (!looksLikeFormula(plainText(value))) return base;
  let copy = quoted.get(base);
  if (!copy) {
    copy = { ...base, quotePrefix: true };
    quoted.set(base, copy);
  }
  return copy;
}

/** The text of a string or rich-text cell value; '' for anything else (numbers, dates, formulas). */
function plainText(value: unknown): string {
  if (typeof value === 'string') return value;
  const runs = (value as { richText?: unknown } | null)?.richText;
  return Array.isArray(runs) ? runs.map((r: { text?: unknown }) => (typeof r.text === 'string' ? r.text : '')).join('') : '';
}

// ---- teaching exceljs the quotePrefix attribute ----

interface XmlStream {
  openNode(name: string, attributes?: Record<string, unknown>): void;
}
interface XfModel {
  quotePrefix?: boolean;
}
interface StyleXformProto {
  render(this: unknown, xmlStream: XmlStream, model: XfModel | undefined): void;
  parseOpen(this: { model?: XfModel }, node: { name: string; attributes: Record<string, string> }): boolean;
}
interface StylesXformInstance {
  _addStyle(style: XfModel): number;
  model: { styles: Array<XfModel | string> };
}
interface StylesXformProto {
  addStyleModel(this: StylesXformInstance, model: TextStyle | undefined, cellType?: number): number;
  getStyleModel(this: StylesXformInstance, id: number): TextStyle | null;
}

/** Replaces a method on one object for the duration of a call; the returned function undoes it. */
function override<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): () => void {
  const own = Object.prototype.hasOwnProperty.call(target, key);
  const previous = target[key];
  target[key] = value;
  return () => {
    if (own) target[key] = previous;
    else delete target[key];
  };
}

const PATCHED = Symbol.for('tonghop.exceljs.quotePrefix');

function teachQuotePrefix(): void {
  const xf = (StyleXform as unknown as { prototype: StyleXformProto & { [PATCHED]?: true } }).prototype;
  const styles = (StylesXform as unknown as { prototype: StylesXformProto }).prototype;
  if (xf[PATCHED]) return;
  xf[PATCHED] = true;

  // Writing: the attribute must go on the <xf> node before its <alignment> child is rendered.
  const render = xf.render;
  xf.render = function (xmlStream, model) {
    if (!model?.quotePrefix) return render.call(this, xmlStream, model);
    const openNode = xmlStream.openNode;
    const restore = override(xmlStream, 'openNode', function (this: XmlStream, name, attributes) {
      openNode.call(this, name, name === 'xf' ? { ...attributes, quotePrefix: '1' } : attributes);
    });
    try {
      render.call(this, xmlStream, model);
    } finally {
      restore();
    }
  };
  const addStyleModel = styles.addStyleModel;
  styles.addStyleModel = function (model, cellType) {
    if (!model?.quotePrefix) return addStyleModel.call(this, model, cellType);
    const addStyle = this._addStyle;
    const restore = override(this, '_addStyle', (style) => addStyle.call(this, { ...style, quotePrefix: true }));
    try {
      return addStyleModel.call(this, model, cellType);
    } finally {
      restore();
    }
  };

  // Reading: keep the flag of a loaded file (the unit's own quoted cells survive a rewrite).
  const parseOpen = xf.parseOpen;
  xf.parseOpen = function (node) {
    const handled = parseOpen.call(this, node);
    if (node.name === 'xf' && this.model && /^(1|true)$/.test(node.attributes.quotePrefix ?? '')) this.model.quotePrefix = true;
    return handled;
  };
  const getStyleModel = styles.getStyleModel;
  styles.getStyleModel = function (id) {
    const model = getStyleModel.call(this, id);
    const xfModel = this.model.styles[id];
    if (model && typeof xfModel === 'object' && xfModel.quotePrefix) model.quotePrefix = true;
    return model;
  };
}

teachQuotePrefix();
