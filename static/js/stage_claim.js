// The stage claim's amount is the signing amount: it means something only when the claim
// is a signing (or a supplementary agreement). For any other stage the field and its
// 「签约金额」 label are hidden, so advancing to 投产 does not ask for a signing amount.
document.querySelectorAll("[data-stage-only]").forEach(function (wrapper) {
  var form = wrapper.closest("form");
  var select = form && form.querySelector("select[name=stage]");
  if (!select) {
    return;
  }
  function update() {
    var shown = wrapper.dataset.stageOnly.split(" ").indexOf(select.value) !== -1;
    wrapper.hidden = !shown;
    wrapper.querySelectorAll("input").forEach(function (input) {
      input.disabled = !shown; // a hidden amount is not sent
    });
  }
  select.addEventListener("change", update);
  update();
});
