// Editor desk helpers. The forms work without this script; it only saves
// keystrokes. Drafts kept in the browser are drafts.js.
"use strict";

// Ctrl+Enter (Cmd+Enter on a Mac) in the update box publishes.
document.addEventListener("keydown", (event) => {
  const box = event.target;
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && box.matches("[data-submit-on-ctrl-enter]")) {
    event.preventDefault();
    box.form.requestSubmit();
  }
});

// Show only the detail fields that the chosen kind uses.
function showFieldsFor(select) {
  const form = select.form;
  for (const field of form.querySelectorAll("[data-kinds]")) {
    field.hidden = !field.dataset.kinds.split(" ").includes(select.value);
  }
  const fieldset = form.querySelector(".kind-fields");
  if (fieldset) {
    fieldset.hidden = !fieldset.querySelector("[data-kinds]:not([hidden])");
  }
}

for (const select of document.querySelectorAll(".update-form select[name=kind]")) {
  showFieldsFor(select);
  select.addEventListener("change", () => showFieldsFor(select));
}
