// « Copier le lien »: a button shown only when the page can copy (the field stays selectable).
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var field = document.getElementById(button.dataset.copy);
  var status = document.getElementById(button.dataset.status);
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(
      function () { status.textContent = button.dataset.done; },
      function () { field.select(); status.textContent = button.dataset.failed; }
    );
  });
});
