// Bulk Cash In: the batch page polls its progress JSON and updates the rows' badges and the
// progress bar until every row is final. No library, no inline script (CSP).
(function () {
  "use strict";
  var INTERVAL = 2000;

  function update(data) {
    var done = 0;
    data.rows.forEach(function (row) {
      if (row.final) done += 1;
      var tr = document.querySelector('[data-bulk-row="' + row.row + '"]');
      var badge = tr && tr.querySelector("[data-status]");
      if (!badge) return;
      badge.textContent = row.label;
      badge.className = "badge badge-" + row.badge;
    });
    var bar = document.querySelector("[data-bulk-bar]");
    if (bar) { bar.max = data.rows.length; bar.value = done; }
    var counts = document.querySelector("[data-bulk-counts]");
    if (counts) counts.textContent = done + " / " + data.rows.length;
  }

  function poll() {
    var box = document.querySelector("[data-bulk-progress]");
    if (!box) return;
    fetch(box.dataset.bulkProgress, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        update(data);
        if (data.final) {
          box.removeAttribute("data-bulk-progress");
          box.setAttribute("data-bulk-final", "");
        }
      })
      .catch(function () {})
      .finally(function () { setTimeout(poll, INTERVAL); });
  }

  document.addEventListener("DOMContentLoaded", poll);
})();
