// The donate pages' amount chooser (decision 0014). Without script it is radio buttons
// and a number field; with it, a slider joins them, the three stay in step, and the
// presets and bounds follow the chosen currency. The form page also shows the waiting
// state while the server asks PayPal for the order.
(function () {
  "use strict";

  function plain(value) { return String(Number(value)); }

  document.querySelectorAll("[data-donate-chooser]").forEach(function (chooser) {
    var rules = JSON.parse(chooser.getAttribute("data-rules") || "{}");
    var currency = chooser.querySelector("[data-donate-currency]");
    var presets = chooser.querySelector("[data-donate-presets]");
    var number = chooser.querySelector("[data-donate-number]");
    var slider = chooser.querySelector("[data-donate-slider]");
    var output = chooser.querySelector("[data-donate-output]");
    var bounds = chooser.querySelector("[data-donate-bounds]");
    var row = chooser.querySelector("[data-donate-slider-row]");
    if (!number || !slider) return;
    row.hidden = false;

    function radios() { return presets.querySelectorAll("input[name='amount']"); }
    function show(value) {
      slider.value = value;
      output.textContent = plain(value) + " " + currency.value;
    }
    function pick(value) {
      var matched = false;
      radios().forEach(function (radio) {
        var hit = radio.value !== "other" && Number(radio.value) === Number(value);
        radio.checked = hit;
        matched = matched || hit;
      });
      if (!matched) {
        presets.querySelector("[data-donate-other]").checked = true;
        number.value = plain(value);
      } else {
        number.value = "";
      }
    }
    slider.addEventListener("input", function () { show(slider.value); pick(slider.value); });
    number.addEventListener("input", function () {
      if (number.value === "" || isNaN(Number(number.value))) return;
      presets.querySelector("[data-donate-other]").checked = true;
      show(number.value);
    });
    presets.addEventListener("change", function (event) {
      if (event.target.value !== "other") { number.value = ""; show(event.target.value); } else { number.focus(); }
    });
    currency.addEventListener("change", function () {
      var rule = rules[currency.value];
      if (!rule) return;
      slider.min = number.min = rule.min;
      slider.max = number.max = rule.max;
      bounds.textContent = rule.min + " to " + rule.max;
      var other = presets.querySelector("[data-donate-other]").parentNode;
      presets.querySelectorAll("label").forEach(function (label) { if (label !== other) label.remove(); });
      rule.presets.forEach(function (amount) {
        var label = document.createElement("label");
        label.className = "donate-preset";
        var input = document.createElement("input");
        input.type = "radio"; input.name = "amount"; input.value = amount;
        var span = document.createElement("span");
        span.textContent = amount;
        label.appendChild(input); label.appendChild(span);
        presets.insertBefore(label, other);
      });
      var middle = rule.presets[Math.floor(rule.presets.length / 2)] || rule.min;
      pick(middle); show(middle);
    });
    show(slider.value);
  });

  document.querySelectorAll("[data-donate-form]").forEach(function (form) {
    function waiting(on) {
      var button = form.querySelector("[data-donate-submit]");
      var status = form.querySelector("[data-donate-status]");
      button.disabled = on;
      form.setAttribute("aria-busy", on ? "true" : "false");
      status.textContent = on ? "Contacting PayPal…" : "";
    }
    form.addEventListener("submit", function () { waiting(true); });
    // Back from PayPal with the browser's back button: the page comes from the cache.
    window.addEventListener("pageshow", function (event) { if (event.persisted) waiting(false); });
  });
})();
