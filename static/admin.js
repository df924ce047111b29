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

// A photo dropped anywhere on a form with a "Photo" control goes into that
// control, as if chosen with it; the control works alone without this script.
for (const form of document.querySelectorAll("form[enctype='multipart/form-data']")) {
  const input = form.querySelector("input[type=file][name=photo]");
  if (!input) continue;
  form.addEventListener("dragover", (event) => {
    if (!event.dataTransfer || !Array.from(event.dataTransfer.types).includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    form.classList.add("dropping");
  });
  form.addEventListener("dragleave", (event) => {
    if (!form.contains(event.relatedTarget)) form.classList.remove("dropping");
  });
  form.addEventListener("drop", (event) => {
    form.classList.remove("dropping");
    const files = event.dataTransfer && event.dataTransfer.files;
    if (!files || files.length === 0) return;
    event.preventDefault();
    const chosen = new DataTransfer();
    chosen.items.add(files[0]);
    input.files = chosen.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  });
}
