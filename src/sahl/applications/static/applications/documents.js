// The application page's documents while one is being prepared (its PDF is rendered just after the
// decision): ask for the list again every two seconds and put it in place of the old one, inside
// the page's live region (so a screen reader hears the link arrive), until no document is being
// prepared. Without JavaScript, the page shows the link when reloaded.
(function () {
  "use strict";
  var DELAY = 2000;
  var LIMIT = 150; // five minutes: past that, a reload tells the rest

  function preparing(list) {
    return list.querySelector("[data-preparing]") !== null;
  }

  function ask(list, tries) {
    if (!preparing(list) || tries >= LIMIT) return;
    window.setTimeout(function () {
      fetch(list.dataset.list, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          var fresh = null;
          if (html) {
            var holder = document.createElement("template");
            holder.innerHTML = html.trim();
            fresh = holder.content.querySelector("#documents-list");
          }
          if (fresh) {
            list.replaceWith(fresh);
            list = fresh;
          }
          ask(list, tries + 1);
        })
        .catch(function () {
          ask(list, tries + 1); // offline for a moment: try again
        });
    }, DELAY);
  }

  var list = document.getElementById("documents-list");
  if (list) ask(list, 0);
})();
