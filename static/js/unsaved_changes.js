// Warn before leaving a page whose form holds unsaved edits. Forms opt in with the attribute
// data-unsaved-warning; data-unsaved-initial marks a form shown again with input not yet saved
// (validation errors, an editing conflict).
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-unsaved-warning]");
  if (!forms.length) {
    return;
  }
  var dirty = false;
  forms.forEach(function (form) {
    if (form.hasAttribute("data-unsaved-initial")) {
      dirty = true;
    }
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) {
      return undefined;
    }
    event.preventDefault();
    // Older browsers show the prompt only when returnValue is set.
    event.returnValue = "";
    return "";
  });
})();
