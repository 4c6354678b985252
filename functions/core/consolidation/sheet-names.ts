/** Names of the consolidated workbook's briefing sheets, shared by the workbook and the email that points to them. */
export const CHARTS_SHEET = 'Biểu đồ';
export const ATTENTION_SHEET = 'Đơn vị cần đôn đốc';
