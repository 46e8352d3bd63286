// Live updates without reloading, and one submit per form. No library.
(function () {
  "use strict";
  var INTERVAL = 2500;

  function setBalance(response) {
    var balance = response.headers.get("X-Balance");
    if (!balance) return;
    document.querySelectorAll("[data-balance]").forEach(function (el) { el.textContent = decodeURIComponent(balance); });
  }

  // Rows of non-final orders ([data-order][data-open]) get their badge refreshed.
  function pollRows() {
    var url = document.body.dataset.statusUrl;
    var rows = document.querySelectorAll("tr[data-order][data-open]");
    if (!url || !rows.length) return;
    var ids = Array.prototype.map.call(rows, function (row) { return row.dataset.order; });
    fetch(url + "?ids=" + Array.from(new Set(ids)).join(","), { credentials: "same-origin" })
      .then(function (response) { setBalance(response); return response.json(); })
      .then(function (data) {
        data.orders.forEach(function (order) {
          document.querySelectorAll('tr[data-order="' + order.id + '"]').forEach(function (row) {
            var badge = row.querySelector("[data-status]");
            badge.textContent = order.label;
            badge.className = "badge badge-" + order.badge;
            if (order.final) row.removeAttribute("data-open");
          });
        });
      })
      .catch(function () {})
      .finally(schedule(pollRows));
  }

  // An element with data-live="URL" is replaced by the fragment that URL returns; the
  // fragment drops data-live when the order or payment is final, which ends the polling.
  function pollFragment() {
    var el = document.querySelector("[data-live]");
    if (!el) return;
    fetch(el.dataset.live, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        setBalance(response);
        return response.text();
      })
      .then(function (html) {
        var box = document.createElement("template");
        box.innerHTML = html.trim();
        el.replaceWith(box.content.firstElementChild);
      })
      .catch(function () {})
      .finally(schedule(pollFragment));
  }

  function schedule(fn) {
    return function () { setTimeout(fn, INTERVAL); };
  }

  // A second click or Enter while the first submit is on its way does nothing.
  function submitOnce(event) {
    var form = event.target;
    if (!form.hasAttribute("data-once")) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.querySelectorAll("button").forEach(function (button) {
      if (button.dataset.busyLabel) button.textContent = button.dataset.busyLabel;
      setTimeout(function () { button.disabled = true; }, 0);
    });
  }

  // A tapped recent receiver fills the number field (the link reloads the form without JS).
  function useRecentReceiver(event) {
    var link = event.target.closest && event.target.closest("[data-receiver]");
    var input = document.getElementById("id_receiver_number");
    if (!link || !input) return;
    event.preventDefault();
    input.value = link.dataset.receiver;
    var amount = document.getElementById("id_amount");
    (amount || input).focus();
  }

  document.addEventListener("click", useRecentReceiver);
  document.addEventListener("submit", submitOnce);
  window.addEventListener("pageshow", function (event) {
    // Back-forward cache: a form left "sent" would never submit again.
    if (event.persisted) document.querySelectorAll("form[data-sent]").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("button").forEach(function (button) { button.disabled = false; });
    });
  });
  document.addEventListener("DOMContentLoaded", function () {
    setTimeout(pollRows, INTERVAL);
    setTimeout(pollFragment, INTERVAL);
  });
})();
