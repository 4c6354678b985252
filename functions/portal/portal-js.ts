/**
 * The portal's only script, served as `/assets/portal.js`. Plain ES5-era DOM code (old office
 * PCs), no framework, no inline handlers (the CSP forbids inline script). It reads the token
 * from the page's own path and sends it as a Bearer header; it never writes it anywhere else.
 *
 * Flow per report card: pick or drop a file → `POST /api/uploads` → XMLHttpRequest POST of the
 * presigned fields + file straight to S3 (progress bar) → poll `GET /api/uploads/<id>` until
 * accepted or rejected → show the result with the card's badge set from it (as the server's
 * report status would be: accepted → đã nộp / nộp muộn; refused → bị từ chối, unless an accepted
 * report already counts), add a history row, refresh the badges of cards not uploaded to from
 * this page. A card with a result here never takes its badge from `/api/me` again: that list is
 * read from a DynamoDB index, which can still say "đang xử lý" for a while after the result.
 * Server data is inserted with `textContent` only.
 */
export const PORTAL_JS = String.raw`
(function () {
  'use strict';
  var STATUS_LABELS = { not_submitted: 'chưa nộp', processing: 'đang xử lý', accepted: 'đã nộp', rejected: 'bị từ chối', late: 'nộp muộn', returned: 'trả lại', pending: 'đang xử lý', failed: 'lỗi hệ thống' };
  var match = /^\/u\/([^\/]+)/.exec(window.location.pathname);
  if (!match) return;
  var token = decodeURIComponent(match[1]);
  var maxBytes = Number(document.body.getAttribute('data-max-bytes')) || 5242880;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, attrs[k]);
    (children || []).forEach(function (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function formatMb(bytes) { return (bytes / 1048576).toLocaleString('vi-VN', { maximumFractionDigits: 1 }) + ' MB'; }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function formatDateTime(iso) {
    var d = new Date(new Date(iso).getTime() + 7 * 3600000);
    return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ', ' + pad(d.getUTCDate()) + '/' + pad(d.getUTCMonth() + 1) + '/' + d.getUTCFullYear();
  }

  function api(method, path, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader('Authorization', 'Bearer ' + token);
    if (body) xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.onload = function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) done(null, data);
      else done({ status: xhr.status, message: (data && data.message) || 'Máy chủ trả lời lỗi ' + xhr.status + '. Vui lòng thử lại.' });
    };
    xhr.onerror = function () { done({ status: 0, message: 'Không kết nối được tới máy chủ. Vui lòng kiểm tra mạng và thử lại.' }); };
    xhr.send(body ? JSON.stringify(body) : null);
  }

  function Card(root) {
    this.root = root;
    this.formId = root.getAttribute('data-form-id');
    this.period = root.getAttribute('data-period');
    this.input = root.querySelector('input[type=file]');
    this.zone = root.querySelector('.dropzone');
    this.progress = root.querySelector('.progress');
    this.bar = root.querySelector('.progress progress');
    this.percent = root.querySelector('.progress .progress-value');
    this.result = root.querySelector('.result');
    // 'accepted' or 'late' once an accepted report counts for this card (server-rendered, then ours).
    this.acceptedStatus = root.getAttribute('data-accepted-status') || '';
    this.busy = false;
    // Set once an upload from this page has a result: the badge then follows that, not /api/me.
    this.decided = false;
    var self = this;
    this.zone.addEventListener('click', function () { if (!self.busy) self.input.click(); });
    this.input.addEventListener('change', function () {
      var file = self.input.files && self.input.files[0];
      if (file) self.start(file);
      self.input.value = '';
    });
    this.zone.addEventListener('dragover', function (e) { e.preventDefault(); self.zone.classList.add('dragging'); });
    this.zone.addEventListener('dragleave', function () { self.zone.classList.remove('dragging'); });
    this.zone.addEventListener('drop', function (e) {
      e.preventDefault();
      self.zone.classList.remove('dragging');
      var file = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (file && !self.busy) self.start(file);
    });
  }

  Card.prototype.setBusy = function (busy) {
    this.busy = busy;
    if (busy) this.zone.setAttribute('disabled', 'disabled'); else this.zone.removeAttribute('disabled');
    this.zone.setAttribute('aria-busy', busy ? 'true' : 'false');
  };

  Card.prototype.show = function (kind, title, nodes) {
    this.result.className = 'result ' + kind;
    this.result.textContent = '';
    this.result.appendChild(el('h4', null, [title]));
    var self = this;
    (nodes || []).forEach(function (n) { self.result.appendChild(n); });
  };

  Card.prototype.fail = function (message) {
    this.setBusy(false);
    this.progress.hidden = true;
    this.show('bad', 'Chưa nộp được', [el('p', null, [message])]);
  };

  Card.prototype.start = function (file) {
    var self = this;
    if (!/\.xlsx$/i.test(file.name)) return this.fail('Tệp "' + file.name + '" không phải bảng tính .xlsx. Vui lòng chọn đúng biểu mẫu đã tải về và điền (nếu là .xls hoặc .ods, hãy "Lưu thành" .xlsx).');
    if (file.size === 0) return this.fail('Tệp "' + file.name + '" rỗng (0 byte). Vui lòng chọn lại.');
    if (file.size > maxBytes) return this.fail('Tệp "' + file.name + '" có dung lượng ' + formatMb(file.size) + ', vượt quá mức cho phép ' + formatMb(maxBytes) + '.');
    this.setBusy(true);
    this.show('wait', 'Đang tải lên tệp "' + file.name + '"…', []);
    this.bar.value = 0;
    this.percent.textContent = '0%';
    this.progress.hidden = false;
    api('POST', '/api/uploads', { formId: this.formId, period: this.period, fileName: file.name, size: file.size }, function (err, post) {
      if (err) return self.fail(err.message);
      self.send(post, file);
    });
  };

  Card.prototype.send = function (post, file) {
    var self = this;
    var data = new FormData();
    Object.keys(post.fields).forEach(function (k) { data.append(k, post.fields[k]); });
    data.append('file', file);
    var xhr = new XMLHttpRequest();
    xhr.open('POST', post.url);
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.round((e.loaded / e.total) * 100);
      self.bar.value = pct;
      self.percent.textContent = pct + '%';
    };
    xhr.onload = function () {
      if (xhr.status < 200 || xhr.status >= 300) return self.fail('Tải tệp lên không thành công (mã ' + xhr.status + '). Vui lòng thử lại; nếu vẫn lỗi, hãy liên hệ Ban Tổ chức Tỉnh ủy.');
      self.bar.value = 100;
      self.percent.textContent = '100%';
      setBadge(self.root, 'processing');
      self.show('wait', 'Đã tải lên, hệ thống đang kiểm tra báo cáo…', [el('p', null, ['Thường chỉ mất vài giây. Vui lòng không đóng trang.'])]);
      self.poll(post.uploadId, 0);
    };
    xhr.onerror = function () { self.fail('Mất kết nối khi đang tải tệp lên. Vui lòng kiểm tra mạng và thử lại.'); };
    xhr.send(data);
  };

  Card.prototype.poll = function (uploadId, attempt) {
    var self = this;
    api('GET', '/api/uploads/' + encodeURIComponent(uploadId), null, function (err, status) {
      if (err && err.status !== 0 && err.status < 500) return self.fail(err.message);
      if (!err && status.status !== 'pending') return self.finish(status);
      if (attempt >= 90) {
        self.setBusy(false);
        self.progress.hidden = true;
        return self.show('wait', 'Hệ thống vẫn đang kiểm tra báo cáo', [el('p', null, ['Kết quả sẽ hiện trong mục "Lịch sử nộp báo cáo" khi xong. Vui lòng tải lại trang sau ít phút.'])]);
      }
      window.setTimeout(function () { self.poll(uploadId, attempt + 1); }, attempt < 20 ? 1000 : 3000);
    });
  };

  function issueTable(issues, caption, extraClass) {
    var body = el('tbody', null, issues.map(function (i) {
      var where = i.cell ? [el('span', { 'class': 'ref' }, ['Ô ' + i.cell])].concat(i.sheet ? [el('span', { 'class': 'sheet' }, [i.sheet])] : []) : ['—'];
      return el('tr', null, [el('td', { 'class': 'cell' }, where), el('td', null, [i.message])]);
    }));
    return el('table', { 'class': 'issues' + (extraClass ? ' ' + extraClass : '') }, [
      el('caption', { 'class': 'visually-hidden' }, [caption]),
      el('thead', null, [el('tr', null, [el('th', { scope: 'col' }, ['Vị trí']), el('th', { scope: 'col' }, ['Nội dung'])])]),
      body,
    ]);
  }

  Card.prototype.finish = function (status) {
    this.setBusy(false);
    this.progress.hidden = true;
    if (status.status === 'accepted') this.acceptedStatus = status.late ? 'late' : 'accepted';
    this.decided = true;
    setBadge(this.root, this.acceptedStatus || 'rejected');
    var nodes = [];
    var feedback = status.feedbackUrl ? el('p', null, [el('a', { href: status.feedbackUrl, 'class': 'button', 'data-role': 'feedback', download: '' }, [
      status.status === 'accepted' ? 'Tải tệp có đánh dấu cảnh báo (.xlsx)' : 'Tải tệp đã đánh dấu lỗi (.xlsx)',
    ])]) : null;
    if (status.status === 'accepted') {
      nodes.push(el('p', null, ['Báo cáo đã được tiếp nhận' + (status.version ? ' (lần nộp thứ ' + status.version + ')' : '') + (status.late ? ', sau hạn nộp.' : '.')]));
      if (status.warnings.length) {
        nodes.push(el('p', null, ['Có ' + status.warnings.length + ' cảnh báo cần xem lại (báo cáo vẫn được tiếp nhận):']));
        nodes.push(issueTable(status.warnings, 'Cảnh báo', 'warnings'));
      }
      if (feedback) nodes.push(feedback);
      this.show('ok', 'Đã nộp thành công', nodes);
    } else {
      nodes.push(el('p', null, ['Báo cáo chưa được tiếp nhận. Vui lòng sửa ' + status.errors.length + ' lỗi dưới đây trong tệp của đơn vị rồi nộp lại:']));
      nodes.push(issueTable(status.errors, 'Lỗi cần sửa'));
      if (status.warnings.length) {
        nodes.push(el('p', null, ['Cảnh báo:']));
        nodes.push(issueTable(status.warnings, 'Cảnh báo', 'warnings'));
      }
      if (feedback) nodes.push(feedback);
      this.show('bad', 'Báo cáo bị từ chối', nodes);
    }
    this.result.focus();
    addHistoryRow(this, status);
    refreshStatuses();
  };

  function addHistoryRow(card, status) {
    var table = document.querySelector('.history table tbody');
    var empty = document.querySelector('.history .empty');
    if (!table) return;
    if (empty) { empty.hidden = true; table.closest('table').hidden = false; }
    var label = STATUS_LABELS[status.status] || status.status;
    var cells = [
      el('td', null, [status.receivedAt ? formatDateTime(status.receivedAt) : '']),
      el('td', null, [card.root.getAttribute('data-form-name') + ' – ' + card.root.getAttribute('data-period-label')]),
      el('td', null, [status.version ? String(status.version) : '']),
      el('td', { 'class': 'file col-file' }, [status.fileName || '']),
      el('td', null, [el('span', { 'class': 'badge badge-' + status.status }, [label])]),
      el('td', null, status.feedbackUrl ? [el('a', { href: status.feedbackUrl, download: '' }, ['Tệp kết quả kiểm tra'])] : []),
    ];
    table.insertBefore(el('tr', null, cells), table.firstChild);
  }

  function setBadge(root, status) {
    var badge = root.querySelector('.report-head .badge');
    if (!badge) return;
    badge.className = 'badge badge-' + status;
    badge.textContent = STATUS_LABELS[status] || status;
  }

  /** The badges of cards this page has not uploaded to (another tab's upload, say). */
  function refreshStatuses() {
    api('GET', '/api/me', null, function (err, me) {
      if (err || !me) return;
      me.reports.forEach(function (r) {
        cards.forEach(function (card) {
          if (card.formId === r.formId && card.period === r.period && !card.busy && !card.decided) setBadge(card.root, r.status);
        });
      });
    });
  }

  // A file dropped beside the drop zone must not make the browser navigate away from the page.
  window.addEventListener('dragover', function (e) { e.preventDefault(); });
  window.addEventListener('drop', function (e) { e.preventDefault(); });
  var cards = Array.prototype.map.call(document.querySelectorAll('.report[data-form-id]'), function (root) { return new Card(root); });
})();
`;
