// The weekly update form: "Copy into this week's progress" puts the plans the department
// wrote last time into the progress box, after what is already typed there. The button is
// hidden in the markup and shown here, so without JavaScript only the text (still
// readable, copyable by hand) is offered; the Content-Security-Policy refuses inline
// handlers, hence this file (docs/architecture.md "Content-Security-Policy").
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-into]").forEach(function (button) {
    var target = document.getElementById(button.dataset.copyInto);
    if (!target) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.dataset.copyText || "";
      var current = target.value.replace(/\s+$/, "");
      target.value = current ? current + "\n\n" + text : text;
      target.focus();
      target.setSelectionRange(target.value.length, target.value.length);
    });
  });
})();
