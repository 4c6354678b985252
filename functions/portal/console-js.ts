/**
 * The console page's script, served as `/assets/console.js`: plain DOM code like portal.js, no
 * framework, no inline handlers (CSP). It reads the grid again from
 * `/api/admin/status/<form>/<period>` (same filters as the page's query) every
 * `data-refresh-ms`, replaces the counts and rows in place and says in an aria-live region which
 * units changed status; the "Duyệt" column and, for an operator, the bulk approval's checkboxes
 * are drawn the same way (boxes ticked before a refresh stay ticked). Sign-out is the masthead's plain form (no script needed). On "Đơn vị" it
 * posts the registry file chosen for import, and on "Biểu mẫu" the definition file to check (the two console actions that need script). Server
 * data is inserted with `textContent` only.
 */
export const CONSOLE_JS = String.raw`
(function () {
  'use strict';
  var section = document.getElementById('status');
  var BADGES = { 'chua-nop': 'not_submitted', 'dang-xu-ly': 'processing', 'da-nop': 'accepted', 'bi-tu-choi': 'rejected', 'nop-muon': 'late' };
  /** The labels of statuses and unit types, as the page's own filter controls spell them. */
  function optionLabels(id) {
    var labels = {};
    var select = document.getElementById(id);
    if (select) Array.prototype.forEach.call(select.options, function (o) { if (o.value) labels[o.value] = o.textContent; });
    return labels;
  }
  var LABELS = optionLabels('f-status');
  var TYPES = optionLabels('f-type');
  var REVIEWS = optionLabels('f-review');
  var REVIEW_BADGES = { 'cho-duyet': 'processing', 'da-duyet': 'accepted', 'tra-lai': 'rejected' };

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  /** dd/mm/yyyy hh:mm in Hà Nội (UTC+7), as the server writes it. */
  function formatDateTime(iso) {
    var d = new Date(new Date(iso).getTime() + 7 * 3600000);
    return pad(d.getUTCDate()) + '/' + pad(d.getUTCMonth() + 1) + '/' + d.getUTCFullYear() + ' ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
  }
  function get(path, done) {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', path);
    xhr.onload = function () {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      done(xhr.status, data);
    };
    xhr.onerror = function () { done(0, null); };
    xhr.send();
  }
  function cell(text, className) {
    var td = document.createElement('td');
    if (className) td.className = className;
    td.textContent = text;
    return td;
  }
  function badgeKey(u) { return u.status === 'da-nop' && u.late ? 'nop-muon' : u.status; }
  function warnings(u) {
    var notes = [];
    if (u.overdue) notes.push('quá hạn');
    if (u.lastRejected) notes.push('lần nộp cuối bị từ chối, bản đã nộp trước vẫn được dùng');
    if (u.warnings) notes.push(u.warnings + ' cảnh báo số liệu');
    return notes.join('; ');
  }
  function reviewCell(u) {
    if (!u.review) return cell('—', 'review');
    var td = cell('', 'review');
    var badge = document.createElement('span');
    badge.className = 'badge badge-' + REVIEW_BADGES[u.review.state];
    badge.textContent = REVIEWS[u.review.state] || u.review.state;
    td.appendChild(badge);
    return td;
  }
  /** The bulk approval's box, on a report awaiting review (as the server draws it). */
  function selectCell(u, checked) {
    var td = cell('', 'select');
    if (u.review && u.review.state === 'cho-duyet' && u.acceptedUploadId) {
      var box = document.createElement('input');
      box.type = 'checkbox';
      box.name = 'u';
      box.value = u.acceptedUploadId;
      box.checked = !!checked[u.acceptedUploadId];
      box.setAttribute('aria-label', 'Chọn ' + u.name);
      td.appendChild(box);
    }
    return td;
  }
  function row(u, checked) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-code', u.code);
    if (section.getAttribute('data-selectable') === '1') tr.appendChild(selectCell(u, checked));
    var key = badgeKey(u);
    var badge = document.createElement('span');
    badge.className = 'badge badge-' + BADGES[key];
    badge.textContent = LABELS[key];
    var status = document.createElement('td');
    status.appendChild(badge);
    // The unit's name links to its drill-down for the form and period shown (as the server renders it).
    var name = document.createElement('td');
    var link = document.createElement('a');
    link.href = '/quan-tri/don-vi/' + encodeURIComponent(u.code) + '?form=' + encodeURIComponent(section.getAttribute('data-form-id')) + '&period=' + encodeURIComponent(section.getAttribute('data-period'));
    link.textContent = u.name;
    name.appendChild(link);
    [cell(u.code, 'nowrap'), name, cell(TYPES[u.type] || u.type), cell(formatDateTime(u.deadline), 'nowrap'), status, reviewCell(u), cell(String(u.versions), 'num'),
      cell(u.lastUploadAt ? formatDateTime(u.lastUploadAt) : '—', 'nowrap'), cell(warnings(u), 'warn')].forEach(function (td) { tr.appendChild(td); });
    return tr;
  }
  function setCounts(scope, counts) {
    var values = { total: counts.total, 'nop-muon': counts.late };
    if (counts.byReview) for (var r in counts.byReview) if (Object.prototype.hasOwnProperty.call(counts.byReview, r)) values[r] = counts.byReview[r];
    for (var k in counts.byStatus) if (Object.prototype.hasOwnProperty.call(counts.byStatus, k)) values[k] = counts.byStatus[k];
    Array.prototype.forEach.call(scope.querySelectorAll('[data-count]'), function (node) {
      var v = values[node.getAttribute('data-count')];
      node.textContent = v === undefined ? '0' : String(v);
    });
  }

  if (section) {
    var tbody = document.getElementById('units');
    var announce = document.getElementById('announce');
    var statusOf = function () {
      var seen = {};
      Array.prototype.forEach.call(tbody.querySelectorAll('tr'), function (tr) {
        seen[tr.getAttribute('data-code')] = tr.querySelector('.badge').textContent;
      });
      return seen;
    };
    var query = new URLSearchParams();
    var asked = new URLSearchParams(window.location.search);
    ['type', 'status', 'review', 'search'].forEach(function (k) { if (asked.get(k)) query.set(k, asked.get(k)); });
    var path = '/api/admin/status/' + encodeURIComponent(section.getAttribute('data-form-id')) + '/' + encodeURIComponent(section.getAttribute('data-period')) + (query.toString() ? '?' + query.toString() : '');
    var refresh = function () {
      if (document.hidden) return;
      get(path, function (code, data) {
        if (code === 401) { window.location.href = '/quan-tri/sign-in'; return; }
        if (code !== 200 || !data) { announce.textContent = 'Chưa cập nhật được số liệu (' + ((data && data.message) || 'mất kết nối') + '). Sẽ thử lại.'; return; }
        var before = statusOf();
        var checked = {};
        Array.prototype.forEach.call(tbody.querySelectorAll('input[name="u"]:checked'), function (box) { checked[box.value] = true; });
        var changes = [];
        while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
        data.units.forEach(function (u) {
          var label = LABELS[badgeKey(u)];
          if (before[u.code] !== undefined && before[u.code] !== label) changes.push(u.name + ': ' + label);
          tbody.appendChild(row(u, checked));
        });
        setCounts(document.querySelector('.counts'), data.counts);
        data.counts.byType.forEach(function (t) {
          var tr = document.querySelector('.by-type tr[data-type="' + t.type + '"]');
          if (tr) setCounts(tr, t);
        });
        document.getElementById('shown').textContent = String(data.units.length);
        document.getElementById('no-units').hidden = data.units.length > 0;
        document.getElementById('generated-at').textContent = formatDateTime(data.generatedAt);
        if (changes.length) announce.textContent = 'Cập nhật: ' + changes.join('; ') + '.';
      });
    };
    setInterval(refresh, Number(section.getAttribute('data-refresh-ms')) || 15000);
    document.addEventListener('visibilitychange', function () { if (!document.hidden) refresh(); });

    // Another form has other periods: choosing it shows its open period.
    var formSelect = document.getElementById('f-form');
    formSelect.addEventListener('change', function () {
      var period = document.getElementById('f-period');
      period.disabled = true;
      formSelect.form.submit();
    });
  }

  // "Đơn vị": the registry file is read here and posted as JSON (base64) with the session's CSRF
  // token; the answer (counts, or every bad row) is written into the live region.
  var importForm = document.getElementById('unit-import');
  if (importForm) {
    var result = document.getElementById('import-result');
    var submit = document.getElementById('import-submit');
    var show = function (kind, title, lines, link) {
      while (result.firstChild) result.removeChild(result.firstChild);
      result.className = 'result ' + kind;
      var h = document.createElement('h4');
      h.textContent = title;
      result.appendChild(h);
      if (lines.length) {
        var list = document.createElement(lines.length > 1 ? 'ul' : 'p');
        lines.forEach(function (text) {
          var item = document.createElement(lines.length > 1 ? 'li' : 'span');
          item.textContent = text;
          list.appendChild(item);
        });
        result.appendChild(list);
      }
      if (link) {
        var p = document.createElement('p');
        var a = document.createElement('a');
        a.href = '/quan-tri/don-vi';
        a.textContent = link;
        p.appendChild(a);
        result.appendChild(p);
      }
    };
    importForm.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var file = document.getElementById('import-file').files[0];
      if (!file) { show('bad', 'Chưa chọn tệp danh sách đơn vị (.csv hoặc .xlsx).', []); return; }
      if (file.size > Number(importForm.getAttribute('data-max-bytes'))) { show('bad', 'Tệp lớn quá ' + Math.round(Number(importForm.getAttribute('data-max-bytes')) / 1048576) + ' MB, không nhập.', []); return; }
      var csrf = document.querySelector('input[name="_csrf"]');
      var reader = new FileReader();
      reader.onerror = function () { show('bad', 'Không đọc được tệp trên máy.', []); };
      reader.onload = function () {
        var data = String(reader.result);
        var xhr = new XMLHttpRequest();
        xhr.open('POST', '/api/admin/units/import');
        xhr.setRequestHeader('content-type', 'application/json');
        xhr.setRequestHeader('x-csrf-token', csrf ? csrf.value : '');
        xhr.onload = function () {
          submit.disabled = false;
          var body = null;
          try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
          if (xhr.status === 401) { window.location.href = '/quan-tri/sign-in'; return; }
          if (xhr.status === 200 && body) {
            show('ok', 'Đã nhập ' + body.total + ' đơn vị: ' + body.created.length + ' mới, ' + body.updated.length + ' cập nhật, ' + body.unchanged.length + ' không đổi.', [], 'Xem danh sách đã cập nhật');
            return;
          }
          var issues = body && body.issues ? body.issues.map(function (i) { return i.message; }) : [];
          show('bad', (body && body.message) || 'Không nhập được (mất kết nối). Vui lòng thử lại.', issues);
        };
        xhr.onerror = function () { submit.disabled = false; show('bad', 'Không nhập được (mất kết nối). Vui lòng thử lại.', []); };
        submit.disabled = true;
        show('wait', 'Đang kiểm tra và nhập tệp…', []);
        xhr.send(JSON.stringify({ fileName: file.name, contentBase64: data.slice(data.indexOf(',') + 1) }));
      };
      reader.readAsDataURL(file);
    });
  }

  // "Biểu mẫu": the definition file is read here and posted as JSON (base64) with the session's
  // CSRF token; the server checks it, keeps the outcome and answers the report page to open.
  var defForm = document.getElementById('form-upload');
  if (defForm) {
    var defResult = document.getElementById('definition-result');
    var defSubmit = document.getElementById('definition-submit');
    var defShow = function (kind, text) {
      while (defResult.firstChild) defResult.removeChild(defResult.firstChild);
      defResult.className = 'result ' + kind;
      var p = document.createElement('p');
      p.textContent = text;
      defResult.appendChild(p);
    };
    defForm.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var file = document.getElementById('definition-file').files[0];
      if (!file) { defShow('bad', 'Chưa chọn tệp định nghĩa biểu mẫu (.xlsx hoặc .json).'); return; }
      var max = Number(defForm.getAttribute('data-max-xlsx'));
      if (file.size > max) { defShow('bad', 'Tệp lớn quá ' + Math.round(max / 1048576) + ' MB, không kiểm tra.'); return; }
      var csrf = defForm.querySelector('input[name="_csrf"]');
      var reader = new FileReader();
      reader.onerror = function () { defShow('bad', 'Không đọc được tệp trên máy.'); };
      reader.onload = function () {
        var data = String(reader.result);
        var xhr = new XMLHttpRequest();
        xhr.open('POST', '/api/admin/forms/check');
        xhr.setRequestHeader('content-type', 'application/json');
        xhr.setRequestHeader('x-csrf-token', csrf ? csrf.value : '');
        xhr.onload = function () {
          var body = null;
          try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
          if (xhr.status === 401) { window.location.href = '/quan-tri/sign-in'; return; }
          if (xhr.status === 200 && body && typeof body.reportUrl === 'string' && body.reportUrl.indexOf('/quan-tri/bieu-mau/kiem-tra/') === 0) {
            window.location.href = body.reportUrl;
            return;
          }
          defSubmit.disabled = false;
          defShow('bad', (body && body.message) || 'Không kiểm tra được (mất kết nối). Vui lòng thử lại.');
        };
        xhr.onerror = function () { defSubmit.disabled = false; defShow('bad', 'Không kiểm tra được (mất kết nối). Vui lòng thử lại.'); };
        defSubmit.disabled = true;
        defShow('wait', 'Đang kiểm tra tệp…');
        xhr.send(JSON.stringify({ fileName: file.name, contentBase64: data.slice(data.indexOf(',') + 1) }));
      };
      reader.readAsDataURL(file);
    });
  }

  // "Báo cáo tổng hợp": the same selector behaviour (the page works without it: another form's
  // period is then answered with that form's open period and a notice).
  var followsForm = document.querySelector('form[data-period-follows-form]');
  if (followsForm) {
    followsForm.querySelector('#f-form').addEventListener('change', function () {
      followsForm.querySelector('#f-period').disabled = true;
      followsForm.submit();
    });
  }
})();
`;
