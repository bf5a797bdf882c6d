// "Add another row" for Django formsets. The page holds the formset's empty form in a
// <template id="PREFIX-empty-form">; a button with data-formset-add="PREFIX" appends a copy of it
// numbered after the existing rows and raises PREFIX-TOTAL_FORMS. Without JavaScript the button
// stays hidden and the one blank row the server always renders is used instead.
(function () {
  "use strict";

  function addRow(prefix) {
    const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    const max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    const template = document.getElementById(prefix + "-empty-form");
    const rows = document.getElementById(prefix + "-rows");
    if (!total || !template || !rows) return;
    const index = Number(total.value);
    if (max && index >= Number(max.value)) return;
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", String(index)));
    total.value = String(index + 1);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-formset-add]").forEach(function (button) {
      button.classList.remove("d-none");
      button.addEventListener("click", function () {
        addRow(button.dataset.formsetAdd);
      });
    });
  });
})();
