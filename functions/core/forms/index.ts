/**
 * The forms engine: form definitions (templates/*.json) → generated Excel forms → safe reading
 * and validation of uploads → annotated feedback workbooks. Core code: no AWS, no infra.
 */
export { loadFormCatalog, createFormCatalog, DEFAULT_TEMPLATES_DIR, type FormCatalog } from './catalog';
export { generateForm, type GenerateFormInput } from './generate-form';
export { describeForm, type FormDescription } from './describe-form';
export { validateUpload, readWorkbook, FEEDBACK_SHEET, type ValidateUploadOptions } from './validate-upload';
export { buildFeedbackWorkbook } from './feedback-workbook';
export { inspectFile, DEFAULT_LIMITS, type InspectLimits, type Inspection } from './inspect-file';
export { parseNumberText, normalizeText } from './cell-values';
export { layoutForm, MAIN_SHEET, META_SHEET, type FormLayout, type FieldCell } from './layout';
export { readMetadata, type FormMetadata } from './metadata';
export { formulaCells } from './formulas';
export { ruleCode, expandRule } from './rules';
export * from './definition';
