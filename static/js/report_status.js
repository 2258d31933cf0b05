// The alliance report page while the report is being prepared: look again every few seconds
// until the server shows it ready or failed (the page then carries no data-report-pending).
(function () {
  "use strict";
  var pending = document.querySelector("[data-report-pending]");
  if (!pending) {
    return;
  }
  var seconds = Number(pending.getAttribute("data-refresh-seconds")) || 3;
  window.setTimeout(function () {
    window.location.reload();
  }, seconds * 1000);
})();
