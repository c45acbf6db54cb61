/* Small form behaviours, here rather than in on…="" attributes, which the site's
   Content-Security-Policy forbids. A <select data-submit-on-change> submits its form when a
   new option is chosen (the interface language switch). */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("select[data-submit-on-change]") || !field.form) return;
    if (field.form.requestSubmit) field.form.requestSubmit();
    else field.form.submit();
  });
})();
