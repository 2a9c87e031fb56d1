/* Small behaviours shared by every page, declared in the markup with data- attributes
 * instead of inline event handlers, which the Content-Security-Policy forbids:
 *   <form data-confirm="确定删除？">        asks before submitting (also on a submit button)
 *   <button data-submit-once>               disabled once its form is sent (no double save)
 *   <input type="checkbox" data-check-all=".row-check">   ticks or clears every match
 *   <form data-collect-checked=".row-check" data-none-checked="请先勾选项目">
 *                                           puts the ticked values, comma-joined, in its "ids"
 *   <input data-autosubmit>                 submits its form when changed
 *   <button data-print>                     prints the page
 * Written in ES5 for the older browsers of government intranets. */
(function () {
  'use strict';

  document.addEventListener('submit', function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var message = (submitter && submitter.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) {
      event.preventDefault();
      return;
    }
    var collect = form.getAttribute('data-collect-checked');
    if (collect) {
      var values = Array.prototype.map.call(document.querySelectorAll(collect + ':checked'), function (box) {
        return box.value;
      });
      form.elements.ids.value = values.join(',');
      if (!values.length) {
        window.alert(form.getAttribute('data-none-checked') || '请先勾选');
        event.preventDefault();
        return;
      }
    }
    if (submitter && submitter.hasAttribute('data-submit-once')) {
      // After the browser has collected the form's values, so the button's own name and
      // value still go with it.
      window.setTimeout(function () { submitter.disabled = true; }, 0);
    }
  });

  document.addEventListener('change', function (event) {
    var target = event.target;
    var selector = target.getAttribute && target.getAttribute('data-check-all');
    if (selector) {
      Array.prototype.forEach.call(document.querySelectorAll(selector), function (box) {
        box.checked = target.checked;
      });
    }
    if (target.hasAttribute && target.hasAttribute('data-autosubmit') && target.form) {
      target.form.requestSubmit();
    }
  });

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-print]');
    if (button) { window.print(); }
  });
})();
