// The review queue's 全选 box. A listener on the document (not inline handlers), so it
// keeps working after htmx swaps the table in and under a Content-Security-Policy.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("[data-select-all]")) return;
  document.querySelectorAll("input[name=items][form=batch]").forEach(function (item) {
    item.checked = box.checked;
  });
});
