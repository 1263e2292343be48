// The edition screen's delivery counts, refreshed every two seconds while it sends.
(function () {
  "use strict";
  var section = document.querySelector("[data-progress-url]");
  if (!section) return;
  var url = section.getAttribute("data-progress-url");
  var stateLabel = document.querySelector("[data-edition-state]");
  function refresh() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        Object.keys(data.counts).forEach(function (state) {
          var cell = section.querySelector('[data-count="' + state + '"]');
          if (cell) cell.textContent = data.counts[state];
        });
        if (stateLabel) stateLabel.textContent = data.state.charAt(0).toUpperCase() + data.state.slice(1);
        if (data.state === "sending" || data.state === "scheduled") window.setTimeout(refresh, 2000);
      })
      .catch(function () { window.setTimeout(refresh, 5000); });
  }
  window.setTimeout(refresh, 2000);
})();
