/**
 * The portal stylesheet, served by the app as `/assets/portal.css` (no CDN: some offices have
 * poor internet). A TypeScript module rather than a .css file so every bundler and runner
 * (esbuild, tsx, jest) carries it without loader configuration. System fonts with full
 * Vietnamese coverage; generous line height so stacked diacritics (ệ, ỗ, ữ) never touch.
 */
export const PORTAL_CSS = String.raw`
:root {
  --ink: #1c1917; --muted: #57534e; --line: #d6d3d1; --paper: #ffffff; --page: #f5f4f2;
  --brand: #8f1d1d; --brand-dark: #6d1414; --gold: #c99a2e;
  --ok: #166534; --ok-bg: #ecfdf3; --bad: #b42318; --bad-bg: #fef3f2; --warn: #8a5300; --warn-bg: #fffaeb;
  --info: #1d4ed8; --info-bg: #eff4ff; --focus: #1d4ed8;
}
* { box-sizing: border-box; }
html { font-size: 16px; }
body {
  margin: 0; background: var(--page); color: var(--ink);
  font-family: "Segoe UI", "Noto Sans", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif;
  line-height: 1.55; -webkit-text-size-adjust: 100%;
}
a { color: var(--info); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: 1rem; }
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 1.5rem; }

.masthead { background: var(--brand); color: #fff; border-bottom: 4px solid var(--gold); }
.masthead .wrap { display: flex; align-items: center; justify-content: space-between; gap: 1.5rem; padding-top: 1rem; padding-bottom: 1rem; }
.masthead .issuer { margin: 0; font-size: .8rem; letter-spacing: .08em; text-transform: uppercase; opacity: .85; }
.masthead h1 { margin: .1rem 0 0; font-size: 1.6rem; line-height: 1.3; font-weight: 700; }
.masthead .unit { text-align: right; margin: 0; }
.masthead .unit-name { display: block; font-size: 1.15rem; font-weight: 600; }
.masthead .unit-meta { display: block; font-size: .85rem; opacity: .85; }

main.wrap { padding-top: 1.4rem; padding-bottom: 2rem; }
main:focus { outline: none; }
h2 { font-size: 1.2rem; margin: 0 0 .75rem; }
.intro { margin: 0 0 1.25rem; color: var(--muted); max-width: 62rem; }

.reports { list-style: none; margin: 0 0 1.75rem; padding: 0; display: flex; flex-direction: column; gap: .9rem; }
.report { background: var(--paper); border: 1px solid var(--line); border-left: 4px solid var(--brand); border-radius: 8px; padding: 1rem 1.25rem; display: grid; grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr); gap: .75rem 2rem; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
.report-info { display: flex; flex-direction: column; align-items: flex-start; gap: .45rem; }
.report .result { grid-column: 1 / -1; }
.report-none { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; color: var(--muted); }
.report-head { align-self: stretch; display: flex; align-items: flex-start; justify-content: space-between; gap: 1rem; }
.report h3 { margin: 0; font-size: 1.05rem; line-height: 1.4; }
.report .period { display: block; font-size: 1.3rem; font-weight: 700; color: var(--brand-dark); margin-top: .1rem; }
.deadline { margin: 0; color: var(--muted); }
.deadline strong { color: var(--ink); }
.deadline .overdue { color: var(--bad); font-weight: 600; }

.badge { flex: none; display: inline-block; padding: .2rem .7rem; border-radius: 999px; font-size: .85rem; font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
.badge-not_submitted { background: #f5f5f4; color: #44403c; border-color: #d6d3d1; }
.badge-processing { background: var(--info-bg); color: var(--info); border-color: #b2ccff; }
.badge-accepted { background: var(--ok-bg); color: var(--ok); border-color: #a6f4c5; }
.badge-rejected { background: var(--bad-bg); color: var(--bad); border-color: #fecdca; }
.badge-late { background: var(--warn-bg); color: var(--warn); border-color: #fedf89; }
.badge-returned { background: var(--bad-bg); color: var(--bad); border-color: #fecdca; }
.review-returned { align-self: stretch; background: var(--bad-bg); border: 1px solid #fecdca; border-radius: 6px; padding: .6rem .8rem; color: var(--ink); }
.review-returned p { margin: 0; }
.review-comment { white-space: pre-wrap; overflow-wrap: anywhere; margin: .4rem 0; padding: .4rem .7rem; border-left: 3px solid var(--bad); background: #fff; }
.review-comment-inline { display: block; white-space: pre-wrap; overflow-wrap: anywhere; max-width: 40rem; }
.review-approved { color: var(--ok); }
.period-locked { color: var(--bad); }
.badge-pending { background: var(--info-bg); color: var(--info); border-color: #b2ccff; }
.badge-failed { background: var(--bad-bg); color: var(--bad); border-color: #fecdca; }

.button { display: inline-flex; align-items: center; gap: .5rem; font: inherit; font-weight: 600; text-decoration: none; border-radius: 6px; padding: .55rem 1rem; border: 1px solid var(--brand); background: #fff; color: var(--brand); cursor: pointer; }
.button:hover { background: #fbf1f1; }
.button svg { width: 1.1em; height: 1.1em; flex: none; }
.step-label { font-size: .85rem; font-weight: 600; color: var(--muted); margin: .2rem 0 0; }
.upload { display: flex; flex-direction: column; gap: .45rem; }

.dropzone { width: 100%; flex: 1; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: .1rem; padding: .9rem 1rem; font: inherit; color: var(--ink); background: #fafaf9; border: 2px dashed #a8a29e; border-radius: 8px; cursor: pointer; text-align: center; }
.dropzone:hover, .dropzone.dragging { border-color: var(--brand); background: #fbf1f1; }
.dropzone .dz-title { font-weight: 600; color: var(--brand-dark); }
.dropzone .dz-sub { font-size: .9rem; color: var(--muted); }
.dropzone[disabled] { cursor: progress; opacity: .7; }
.hint { margin: .35rem 0 0; font-size: .85rem; color: var(--muted); }

.progress { display: flex; align-items: center; gap: .75rem; font-size: .9rem; }
.progress progress { flex: 1; height: .8rem; accent-color: var(--brand); }
.progress[hidden] { display: none; }

.result:empty { display: none; }
.result { border-radius: 6px; padding: .8rem 1rem; border: 1px solid var(--line); }
.result h4 { margin: 0 0 .3rem; font-size: 1rem; }
.result p { margin: .2rem 0; }
.result.ok { background: var(--ok-bg); border-color: #a6f4c5; }
.result.ok h4 { color: var(--ok); }
.result.bad { background: var(--bad-bg); border-color: #fecdca; }
.result.bad h4 { color: var(--bad); }
.result.wait { background: var(--info-bg); border-color: #b2ccff; }
.result.wait h4 { color: var(--info); }
.issues { width: 100%; border-collapse: collapse; margin: .5rem 0; font-size: .92rem; background: #fff; }
.issues th, .issues td { text-align: left; vertical-align: top; padding: .35rem .55rem; border: 1px solid var(--line); }
.issues th { background: #f5f5f4; font-weight: 600; }
.issues td.cell { white-space: nowrap; width: 1%; }
.issues td.cell .ref { display: block; font-weight: 700; }
.issues td.cell .sheet { display: block; font-size: .8rem; color: var(--muted); }
.issues.warnings th { background: var(--warn-bg); }

.history { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.history table { width: 100%; border-collapse: collapse; font-size: .93rem; }
.history th, .history td { padding: .55rem .8rem; text-align: left; border-bottom: 1px solid #e7e5e4; vertical-align: top; }
.history th { background: #f5f5f4; font-weight: 600; color: #44403c; }
.history tr:last-child td { border-bottom: 0; }
.history .empty { padding: 1rem; margin: 0; color: var(--muted); }
.history .file { color: var(--muted); overflow-wrap: anywhere; }
.history .nowrap { white-space: nowrap; }
.history .num { text-align: center; }
.link-expiry { margin: .75rem 0 0; font-size: .85rem; color: var(--muted); }

footer { border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; }
footer .wrap { padding-top: 1rem; padding-bottom: 1.5rem; }
footer p { margin: .2rem 0; }

.message-page { max-width: 40rem; margin: 3rem auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1.5rem 2rem; }
.message-page h2 { color: var(--brand-dark); font-size: 1.3rem; }
.message-page .code { color: var(--muted); font-size: .85rem; }

/* The console (/quan-tri/): status grid. */
.masthead .operator { text-align: right; margin: 0; display: flex; flex-direction: column; align-items: flex-end; gap: .2rem; }
.masthead .operator .unit-name { font-size: 1rem; font-weight: 600; }
.masthead .operator .unit-meta { font-size: .85rem; opacity: .85; }
.masthead .sign-out { padding: .25rem .8rem; font-size: .9rem; }
.masthead .sign-out-form { margin: 0; }
.console-nav { margin: 0 0 1rem; border-bottom: 1px solid var(--line); }
.console-nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem; }
.console-nav a { display: block; padding: .5rem .9rem; color: var(--brand-dark); text-decoration: none; border: 1px solid transparent; border-bottom: 0; border-radius: 6px 6px 0 0; font-weight: 600; }
.console-nav a:hover, .console-nav a:focus-visible { background: var(--paper); border-color: var(--line); }
.console-nav a[aria-current="page"] { background: var(--paper); border-color: var(--line); margin-bottom: -1px; border-bottom: 1px solid var(--paper); }
.flash { background: var(--ok-bg, #ecfdf3); border: 1px solid #abefc6; border-radius: 6px; padding: .5rem .8rem; }
.flash-error { background: var(--bad-bg); border-color: #fecdca; color: var(--bad); }
.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: .5rem 1rem; background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; margin: 0 0 1rem; }
.filters p { margin: 0; display: flex; flex-direction: column; gap: .15rem; }
.filters label { font-size: .85rem; font-weight: 600; color: var(--muted); }
.filters select, .filters input { font: inherit; padding: .4rem .5rem; border: 1px solid #a8a29e; border-radius: 6px; background: #fff; max-width: 22rem; }
.notice { background: var(--warn-bg); border: 1px solid #fedf89; border-radius: 6px; padding: .5rem .8rem; }
.status h3 { margin: 0; font-size: 1.15rem; color: var(--brand-dark); }
.status .generated { margin: .1rem 0 .75rem; font-size: .85rem; color: var(--muted); }
.counts { list-style: none; margin: 0 0 1rem; padding: 0; display: flex; flex-wrap: wrap; gap: .6rem; }
.count { background: var(--paper); border: 1px solid var(--line); border-top: 4px solid #a8a29e; border-radius: 8px; padding: .4rem .9rem; min-width: 8.5rem; display: flex; flex-direction: column; }
.count-n { font-size: 1.5rem; font-weight: 700; line-height: 1.2; }
.count-label { font-size: .85rem; color: var(--muted); }
.count-total { border-top-color: var(--brand); }
.count-dang-xu-ly { border-top-color: var(--info); }
.count-da-nop { border-top-color: var(--ok); }
.count-bi-tu-choi { border-top-color: var(--bad); }
.count-nop-muon { border-top-color: var(--gold); }
.count-cho-duyet { border-top-color: var(--info); }
.count-da-duyet { border-top-color: var(--ok); }
.count-tra-lai { border-top-color: var(--bad); }
.grid { width: 100%; border-collapse: collapse; font-size: .9rem; background: var(--paper); border: 1px solid var(--line); margin: 0 0 1rem; }
.grid caption { text-align: left; font-weight: 600; padding: 0 0 .3rem; }
.grid th, .grid td { padding: .4rem .6rem; text-align: left; border-bottom: 1px solid #e7e5e4; vertical-align: top; }
.grid thead th { background: #f5f5f4; color: #44403c; }
.grid .num { text-align: center; }
.grid .nowrap { white-space: nowrap; }
.grid .warn { color: var(--bad); font-size: .85rem; }
.status .empty { color: var(--muted); }
.audit .muted { color: var(--muted); font-size: .85rem; }
.audit code { font-size: .8rem; color: var(--muted); }
.audit .target { word-break: break-word; }
.audit .changes { margin: 0; padding-left: 1rem; }
.audit .change-key { color: var(--muted); }
.audit del { color: var(--bad); }
.audit ins { color: var(--ok); text-decoration: none; font-weight: 600; }
.audit-summary .download { margin-left: .5rem; }
.pager p { display: flex; gap: 1rem; align-items: center; }
/* The console's "Đơn vị" section. */
.panel { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; margin: 0 0 1rem; }
.panel h3 { margin: 0 0 .5rem; font-size: 1.1rem; color: var(--brand-dark); }
.unit-form .field, .unit-import .field { display: flex; flex-direction: column; gap: .2rem; max-width: 36rem; margin: 0 0 .7rem; }
.unit-form label, .unit-import label, .shown-link label { font-weight: 600; }
.unit-form input[type="text"], .unit-form input:not([type]), .unit-form select, .unit-form textarea, .link-box { font: inherit; padding: .4rem .5rem; border: 1px solid #a8a29e; border-radius: 6px; background: #fff; }
.unit-form .field-check { flex-direction: row; }
.unit-form .field-check label { font-weight: normal; }
.field-error { color: var(--bad); font-size: .9rem; }
.has-error input, .has-error select, .has-error textarea { border-color: var(--bad); }
.confirm { border: 1px solid #fecdca; background: var(--bad-bg); border-radius: 6px; margin: 0 0 .7rem; }
.button-danger { border-color: var(--bad); color: var(--bad); }
.button:disabled { opacity: .55; cursor: not-allowed; background: var(--paper); }
.unit-form input[type="date"] { font: inherit; padding: .4rem .5rem; border: 1px solid #a8a29e; border-radius: 6px; background: #fff; max-width: 14rem; }
.end-exception { display: flex; flex-wrap: wrap; align-items: center; gap: .3rem; margin: .4rem 0 0; }
.end-exception label { font-size: .85rem; }
.end-exception input[type="text"] { font: inherit; padding: .25rem .4rem; border: 1px solid #a8a29e; border-radius: 6px; background: #fff; min-width: 10rem; }
.link-box { width: 100%; font-family: monospace; font-size: .85rem; }
.unit-facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 1rem; }
.unit-facts dt { font-weight: 600; color: var(--muted); }
.unit-facts dd { margin: 0; }
.units-registry tr.inactive td { color: var(--muted); }
.breadcrumbs { margin: 0 0 .5rem; font-size: .9rem; }
.actions { display: flex; flex-wrap: wrap; align-items: center; gap: .6rem 1rem; margin: .5rem 0 1rem; }
.actions form { margin: 0; }
.hint { color: var(--muted); font-size: .85rem; margin: .25rem 0; }
.reports h3, .send-confirm h3 { color: var(--brand-dark); margin: 1rem 0 .3rem; }
.reports .empty, .send-confirm .empty { color: var(--muted); }
.send-confirm .not-reported { columns: 3 18rem; column-gap: 2rem; padding-left: 1.2rem; }
.send-confirm .not-reported li { break-inside: avoid; }
/* A wide table scrolls in its own box on a phone rather than widening the page. */
.table-scroll { overflow-x: auto; margin: 0 0 1rem; }
.table-scroll > .grid { margin: 0; }
/* The console's "Tóm tắt cho lãnh đạo" (the reports page's briefing). */
.briefing h4 { margin: .9rem 0 .4rem; font-size: 1.05rem; color: var(--brand-dark); }
.briefing h4:first-child { margin-top: 0; }
.briefing .summary p { margin: 0 0 .45rem; line-height: 1.55; }
.briefing .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr)); gap: 1rem; margin: .75rem 0; }
.briefing .chart { margin: 0; }
.briefing .chart img { display: block; width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.briefing .actions { margin-bottom: 0; }
.briefing .actions .hint { margin: 0; flex: 1 1 16rem; }
.attention .reasons { margin: 0; padding-left: 1.1rem; }
.attention td:first-child { min-width: 10rem; }
/* The console's review: the drill-down's "Duyệt báo cáo" panel, the grid's boxes and "Duyệt" column. */
.review blockquote.comment { margin: .3rem 0 .6rem; padding: .4rem .7rem; border-left: 3px solid var(--bad); background: var(--bad-bg); white-space: pre-wrap; }
.review .review-form { margin: 0; }
.review .review-form textarea { width: 100%; max-width: 36rem; }
.review .returns { margin: .3rem 0 .6rem; }
.review .returns ul { margin: .3rem 0; padding-left: 1.2rem; }
td.review .comment { font-size: .85rem; color: var(--muted); white-space: pre-wrap; max-width: 24rem; }
.units .select { width: 2rem; text-align: center; }
.bulk-review .skipped .code, .bulk-review .approved .code { color: var(--muted); font-size: .85rem; }

@media (max-width: 720px) {
  .report { grid-template-columns: 1fr; }
  .masthead .wrap { flex-direction: column; align-items: flex-start; }
  .masthead .unit { text-align: left; }
  .history .col-file { display: none; }
}
@media (max-width: 600px) {
  /* A long form name must not push its selector past the phone's edge. */
  .filters p { max-width: 100%; min-width: 0; }
  .filters select { max-width: 100%; }
  /* "Đơn vị cần đôn đốc" as one card per unit, each cell named by its column. */
  .attention thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .attention, .attention tbody, .attention tr, .attention td { display: block; width: auto; }
  .attention tr { border-bottom: 1px solid var(--line); padding: .35rem 0; }
  .attention td { border: 0; padding: .1rem .6rem; min-width: 0; }
  .attention td:first-child { min-width: 0; font-weight: 600; }
  .attention td::before { content: attr(data-label); display: block; font-size: .78rem; font-weight: 600; color: var(--muted); }
}
@media print { .upload, .skip { display: none; } }
`;
