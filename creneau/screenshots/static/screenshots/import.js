// Polls a screenshot import's JSON status, shows the files read, then reloads for the results.
// A static file (the site's CSP allows no inline script).
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.hidden) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-step]");
  var failed = document.getElementById("import-failed");

  function show(state) {
    if (state.total) { bar.max = state.total; bar.value = state.done; }
    text.textContent = state.done + " / " + (state.total || "…") + (state.step ? " — " + state.step : "");
    if (state.state === "done") { window.location.reload(); return true; }
    if (state.state === "failed") {
      box.hidden = true; failed.hidden = false;
      failed.querySelector("[data-error]").textContent = state.error; return true;
    }
    return false;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.json(); })
      .then(function (state) { if (!show(state)) { window.setTimeout(poll, 1000); } })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
