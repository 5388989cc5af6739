// A bulk renewal's progress: while the background worker files the applications, ask for the
// outcomes every two seconds and put them in place; stop when every worker has one. Without
// JavaScript, the page's "Refresh" link does the same.
(function () {
  "use strict";
  function poll() {
    var box = document.getElementById("renewal-items");
    if (!box || box.getAttribute("data-finished") === "true") {
      return;
    }
    fetch(box.getAttribute("data-src"), { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(answer.status); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("renewal-items");
        if (next) {
          box.replaceWith(document.importNode(next, true));
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
