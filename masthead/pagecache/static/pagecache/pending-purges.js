// Shows the waiting cache purges (wagtail_hooks.py) as a warning in Wagtail's own
// message area, once its controller is listening.
(function () {
  "use strict";
  var data = document.getElementById("masthead-waiting-purges");
  if (!data) return;
  var text = JSON.parse(data.textContent);
  window.addEventListener("load", function () {
    document.dispatchEvent(new CustomEvent("w-messages:add", { detail: { text: text, type: "warning" } }));
  });
})();
