// Polls the bundle build's JSON status and shows the steps done, then the ZIP link.
// A static file (the site's CSP allows no inline script).
(function () {
  "use strict";
  var box = document.getElementById("bundle-progress");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-step]");
  var ready = document.getElementById("bundle-ready");
  var failed = document.getElementById("bundle-failed");

  function show(state) {
    if (state.total) { bar.max = state.total; bar.value = state.done; }
    text.textContent = state.done + " / " + (state.total || "…") + (state.step ? " — " + state.step : "");
    if (state.state === "done") {
      box.hidden = true; ready.hidden = false; return true;
    }
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
