/**
 * The console's server-rendered pages (sign-in, messages, who is signed in): the unit page's
 * shell and stylesheet, the console's own masthead and footer. No inline script or style (CSP).
 */
import { CONSOLE_PATH, OPERATOR_ROLE_LABELS, type OperatorRole } from '../core/operators/model';
import { escapeHtml as e } from './html';
import { renderPageShell } from './render-unit-page';

const MASTHEAD = '<div><p class="issuer">Tỉnh ủy · Ban Tổ chức</p><h1>Trang quản trị tổng hợp báo cáo</h1></div>';
const FOOTER = 'Trang dành cho cán bộ được cấp quyền. Không chuyển đường dẫn đăng nhập cho người khác.';

function page(title: string, main: string, head?: string): string {
  return renderPageShell({ title: `${title} – Trang quản trị`, masthead: MASTHEAD, main, footer: FOOTER, head });
}

/**
 * Signed in from a link opened on another site (webmail): the browser would not send a
 * `SameSite=Strict` cookie along a redirect that started there, so this page moves on to the
 * console itself (a refresh from this origin), with a link for when refresh is off.
 */
export function renderConsoleSignedInPage(): string {
  return page(
    'Đã đăng nhập',
    `<div class="message-page"><h2>Đã đăng nhập</h2><p><a href="${CONSOLE_PATH}/">Vào trang quản trị</a></p></div>`,
    `\n<meta http-equiv="refresh" content="0;url=${CONSOLE_PATH}/">`,
  );
}

/** The sign-in form: an email, posted without script (the route answers the same page for every address). */
export function renderConsoleSignInPage(): string {
  return page(
    'Đăng nhập',
    `<div class="message-page"><h2>Đăng nhập</h2>
<p>Nhập địa chỉ email công vụ đã được cấp quyền. Hệ thống sẽ gửi một đường dẫn đăng nhập (hiệu lực 15 phút, dùng một lần) tới hộp thư đó.</p>
<form method="post" action="${CONSOLE_PATH}/api/sign-in">
<p><label for="email">Email</label><br><input id="email" name="email" type="email" autocomplete="email" required maxlength="254"></p>
<p><button class="button" type="submit">Gửi đường dẫn đăng nhập</button></p>
</form></div>`,
  );
}

/** A message (sign-in requested, a refused link…) with its stable code when it is an error, and a way back to sign-in. */
export function renderConsoleMessagePage(input: { title: string; message: string; code?: string }): string {
  const code = input.code ? `<p class="code">Mã lỗi: ${e(input.code)}</p>` : '';
  return page(input.title, `<div class="message-page"><h2>${e(input.title)}</h2><p>${e(input.message)}</p>${code}<p><a href="${CONSOLE_PATH}/sign-in">Về trang đăng nhập</a></p></div>`);
}

/** The console's root until the dashboard lands: who is signed in, and the JSON it can read. */
export function renderConsoleHomePage(input: { name: string; email: string; role: OperatorRole }): string {
  return page(
    'Trang quản trị',
    `<div class="message-page"><h2>Trang quản trị</h2>
<p>Đang đăng nhập: <strong>${e(input.name)}</strong> (${e(input.email)}), vai trò ${e(OPERATOR_ROLE_LABELS[input.role])}.</p>
<p>Bảng điều khiển đang được xây dựng. Dữ liệu đọc được (JSON):</p>
<ul><li><a href="/api/admin/me">/api/admin/me</a> — người đang đăng nhập</li><li>/api/admin/status/&lt;mã biểu mẫu&gt;/&lt;kỳ&gt; — tình hình nộp báo cáo</li><li><a href="/api/admin/audit">/api/admin/audit</a> — nhật ký (7 ngày gần nhất)</li></ul></div>`,
  );
}
