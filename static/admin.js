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

// Files dropped anywhere on a form with file controls go into them, as if
// chosen with them: photos into the empty photo slots in order (opening
// "Add more photos" when its slots are used), a video into "Video". The
// controls work alone without this script.
function photoInputs(form) {
  return Array.from(form.querySelectorAll("input[type=file][name=photo], input[type=file][name^=photo_]"));
}

function choose(input, file) {
  const chosen = new DataTransfer();
  chosen.items.add(file);
  input.files = chosen.files;
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

function dropFiles(form, files) {
  const video = form.querySelector("input[type=file][name=video]");
  const videos = video ? files.filter((file) => file.type.startsWith("video/")) : [];
  // Anything not a video goes to a photo slot: the server says what is wrong with it.
  const photos = files.filter((file) => !videos.includes(file));
  const empty = photoInputs(form).filter((input) => input.files.length === 0);
  const filled = empty.slice(0, photos.length);
  filled.forEach((input, i) => choose(input, photos[i]));
  if (videos.length > 0) choose(video, videos[0]);
  const more = form.querySelector(".more-photos");
  if (more && filled.some((input) => more.contains(input))) more.open = true;
  const status = form.querySelector("[data-drop-status]");
  if (status) {
    const left = photos.length - filled.length + Math.max(videos.length - 1, 0);
    status.textContent = left > 0
      ? `${left} file${left === 1 ? " was" : "s were"} left out: an update carries at most ${photoInputs(form).length} photos and one video.`
      : "";
  }
  const first = filled[0];
  const alt = first && form.querySelector(`#${first.id.replace("photo", "alt")}`);
  (alt || first || video).focus();
}

for (const form of document.querySelectorAll("form[enctype='multipart/form-data']")) {
  if (photoInputs(form).length === 0) continue;
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
    dropFiles(form, Array.from(files));
  });
}
