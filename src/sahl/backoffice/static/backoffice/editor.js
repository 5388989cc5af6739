// The definition editor: its problems are listed as it is typed (the Check button does the same
// without this script). A pause of 600 ms after the last key sends the text to the check address.
(function () {
  "use strict";
  var form = document.getElementById("definition-editor");
  if (!form) return;
  var box = document.getElementById("definition");
  var list = document.getElementById("problems-list");
  var none = document.getElementById("problems-none");
  var timer = null;
  var asked = null;

  function show(problems) {
    list.textContent = "";
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      var where = document.createElement("bdi");
      where.dir = "ltr";
      where.textContent = problem.subject + ": " + problem.field;
      item.appendChild(where);
      item.appendChild(document.createTextNode(": " + problem.text));
      list.appendChild(item);
    });
    none.hidden = problems.length > 0;
  }

  function check() {
    if (asked) asked.abort();
    asked = new AbortController();
    var body = new FormData();
    body.append("definition", box.value);
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    fetch(form.dataset.check, { method: "POST", body: body, signal: asked.signal, credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (found) { if (found) show(found.problems); })
      .catch(function () { /* a check left behind by newer typing, or offline: Check still works */ });
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  });
})();
