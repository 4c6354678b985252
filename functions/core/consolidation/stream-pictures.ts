/**
 * Pictures on a sheet written by exceljs's streaming writer. The streaming WorkbookWriter stores
 * media (`addImage`) but its WorksheetWriter (exceljs 4.4) has no `addImage`, and the workbook
 * must stay streamed (1,000 units' rows are never held in memory). So this adds what the
 * in-memory writer would: a drawing part per sheet with one anchor per picture, the sheet's
 * relationship to it, the `<drawing r:id>` element, and the drawing's content type.
 *
 * It reaches into the writer's internals (`_sheetRelsWriter`, `_writeRowBreaks`, `zip`,
 * `addContentTypes`), checked at run time so an exceljs upgrade that moves them fails loudly
 * instead of writing a workbook without its charts; the workbook tests read the pictures back.
 */
import type ExcelJS from 'exceljs';

const DRAWING_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing';
const IMAGE_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/image';
const DRAWING_TYPE = 'application/vnd.openxmlformats-officedocument.drawing+xml';
/** English Metric Units per screen pixel (96 dpi). */
const EMU_PER_PX = 9525;

/** One picture: its PNG, the cell of its top-left corner (0-based) and its shown size in pixels. */
export interface SheetPicture {
  png: Buffer;
  row: number;
  col: number;
  width: number;
  height: number;
  /** Alternative text (screen readers, Excel's "Alt Text"). */
  descr: string;
}

interface WriterInternals {
  zip: { append(data: string | Buffer, options: { name: string }): unknown };
  addContentTypes(): Promise<void>;
}
interface SheetInternals {
  _sheetRelsWriter: { addRelationship(rel: { Target: string; Type: string }): string };
  _writeRowBreaks(): void;
  _write(text: string): void;
}

const patched = new WeakMap<object, string[]>();

const xmlAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function internals(wb: ExcelJS.stream.xlsx.WorkbookWriter, ws: ExcelJS.Worksheet): { w: WriterInternals; s: SheetInternals } {
  const w = wb as unknown as Partial<WriterInternals>;
  const s = ws as unknown as Partial<SheetInternals>;
  if (typeof w.zip?.append !== 'function' || typeof w.addContentTypes !== 'function' || typeof s._sheetRelsWriter?.addRelationship !== 'function' || typeof s._writeRowBreaks !== 'function' || typeof s._write !== 'function') {
    throw new Error('exceljs streaming writer internals changed: cannot place pictures on a streamed sheet');
  }
  return { w: w as WriterInternals, s: s as SheetInternals };
}

/**
 * Places `pictures` on the streamed worksheet `ws` (call before `ws.commit()`, at most once per
 * sheet). The pictures keep their aspect ratio when resized in Excel or LibreOffice.
 */
export function placePictures(wb: ExcelJS.stream.xlsx.WorkbookWriter, ws: ExcelJS.Worksheet, pictures: readonly SheetPicture[]): void {
  if (pictures.length === 0) return;
  const { w, s } = internals(wb, ws);
  let drawings = patched.get(wb);
  if (!drawings) {
    const list: string[] = [];
    drawings = list;
    patched.set(wb, list);
    // [Content_Types].xml must name each drawing part (the streaming writer knows none).
    const addContentTypes = w.addContentTypes.bind(wb);
    w.addContentTypes = async () => {
      const append = w.zip.append;
      w.zip.append = (data, options) => {
        const body = options.name === '[Content_Types].xml' && typeof data === 'string' ? data.replace('</Types>', `${list.map((n) => `<Override PartName="/xl/drawings/${n}.xml" ContentType="${DRAWING_TYPE}"/>`).join('')}</Types>`) : data;
        return append.call(w.zip, body, options);
      };
      try {
        await addContentTypes();
      } finally {
        w.zip.append = append;
      }
    };
  }
  const name = `drawing${drawings.length + 1}`;
  drawings.push(name);

  const rels: string[] = [];
  const anchors = pictures.map((p, i) => {
    const imageId = wb.addImage({ buffer: p.png as unknown as ExcelJS.Buffer, extension: 'png' });
    const rId = `rId${i + 1}`;
    rels.push(`<Relationship Id="${rId}" Type="${IMAGE_REL}" Target="../media/image${imageId}.png"/>`);
    const cx = Math.round(p.width * EMU_PER_PX);
    const cy = Math.round(p.height * EMU_PER_PX);
    return (
      `<xdr:oneCellAnchor editAs="oneCell"><xdr:from><xdr:col>${p.col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${p.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="${cx}" cy="${cy}"/>` +
      `<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="${i + 2}" name="Picture ${i + 1}" descr="${xmlAttr(p.descr)}"/><xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>` +
      `<xdr:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="${rId}"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>` +
      `<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor>`
    );
  });
  w.zip.append(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">' +
      anchors.join('') +
      '</xdr:wsDr>',
    { name: `xl/drawings/${name}.xml` },
  );
  w.zip.append(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>`, {
    name: `xl/drawings/_rels/${name}.xml.rels`,
  });
  const rId = s._sheetRelsWriter.addRelationship({ Target: `../drawings/${name}.xml`, Type: DRAWING_REL });
  // <drawing> comes after the row breaks in the sheet's XML (CT_Worksheet's element order).
  const writeRowBreaks = s._writeRowBreaks.bind(ws);
  s._writeRowBreaks = () => {
    writeRowBreaks();
    s._write(`<drawing r:id="${rId}"/>`);
  };
}
