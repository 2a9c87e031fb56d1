/* The phone's visit form (templates/fieldwork/mobile/visit.html): sent in the background,
 * and kept in the browser (localStorage) while the network is down, then sent when it
 * returns. The draft keeps the form's one-time token, so sending it twice saves one visit
 * (the server answers the second with the visit already saved). Photos cannot be kept in
 * localStorage: they stay in the file field while the page is open.
 * ES5 and XMLHttpRequest, for the older built-in browsers of DingTalk and WeCom. */
(function () {
  'use strict';
  var form = document.querySelector('form[data-offline-draft]');
  if (!form) { return; }
  var key = 'zhaoshang-draft-' + form.getAttribute('data-offline-draft');
  var status = document.querySelector('[data-draft-status]');
  var FIELDS = ['visited_name', 'notes', 'result', 'token'];
  var KEPT = '已保存在本机，联网后自动提交';
  var sending = false;

  function say(text, kind) {
    status.textContent = text;
    status.className = 'alert alert-' + kind;
    status.hidden = !text;
  }
  function read() {
    try { return JSON.parse(window.localStorage.getItem(key) || 'null'); } catch (e) { return null; }
  }
  function keep(pending) {
    var draft = { pending: !!pending };
    FIELDS.forEach(function (name) { draft[name] = form.elements[name].value; });
    try { window.localStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* storage full or off */ }
  }
  function forget() {
    try { window.localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
  }
  function pending() {
    var draft = read();
    return !!(draft && draft.pending);
  }

  var draft = read();
  if (draft) {
    FIELDS.forEach(function (name) {
      if (draft[name] !== undefined && draft[name] !== null && form.elements[name]) { form.elements[name].value = draft[name]; }
    });
    if (draft.pending) { say(KEPT, 'warning'); }
  }
  form.addEventListener('input', function () { keep(pending()); });
  form.addEventListener('change', function () { keep(pending()); });

  function send() {
    if (sending) { return; }
    sending = true;
    var request = new XMLHttpRequest();
    request.open('POST', form.getAttribute('action') || window.location.href);
    request.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
    request.onload = function () {
      sending = false;
      var answer = null;
      try { answer = JSON.parse(request.responseText); } catch (e) { answer = null; }
      if (answer && answer.ok) {
        forget();
        say(answer.message, 'success');
        window.location.href = answer.url;
        return;
      }
      keep(false);
      say(answer && answer.errors ? answer.errors.join(' ') : '提交失败（' + request.status + '），请稍后重试。', 'danger');
    };
    request.onerror = function () {
      // No answer: the network dropped on the way. The token makes a second send safe.
      sending = false;
      keep(true);
      say(KEPT, 'warning');
    };
    request.send(new FormData(form));
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (navigator.onLine === false) {
      keep(true);
      say(KEPT, 'warning');
      return;
    }
    say('正在提交…', 'info');
    send();
  });
  window.addEventListener('online', function () {
    if (pending()) {
      say('网络已恢复，正在提交…', 'info');
      send();
    }
  });
})();
