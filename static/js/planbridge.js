// Small behaviours of the pages, by data attribute, in place of inline handlers (the
// Content-Security-Policy refuses onclick= and the like). Listening on the document also
// covers what htmx swaps in later.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option submits its form.
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) { field.form.requestSubmit(); }
  });

  // <input data-select-on-focus>: its whole text is selected, ready to copy.
  document.addEventListener("focusin", function (event) {
    var field = event.target.closest("[data-select-on-focus]");
    if (field) { field.select(); }
  });

  // <button data-print>: prints the page.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });
})();
