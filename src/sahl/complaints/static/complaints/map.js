// The filing page's map (complaints/_map.html): a tap sets the latitude and longitude fields, marks
// the spot and zooms in around it so that a second tap can refine it. The server still decides
// which area the point is in when the report is filed (complaints.geo). Without this script the map
// stays hidden and people type the place or use their device's location.
(function () {
  "use strict";
  var picker = document.getElementById("map-picker");
  var svg = document.getElementById("map");
  var latitude = document.getElementById("latitude");
  var longitude = document.getElementById("longitude");
  if (!picker || !svg || !latitude || !longitude || !svg.getScreenCTM || !window.DOMPoint) { return; }
  var data = svg.dataset;
  var west = Number(data.west), north = Number(data.north);
  var xScale = Number(data.xScale), yScale = Number(data.yScale);
  var close = Number(data.close), radius = Number(data.marker);
  var whole = svg.getAttribute("viewBox");
  var width = svg.viewBox.baseVal.width, height = svg.viewBox.baseVal.height;
  var marker = document.getElementById("map-marker");
  var status = document.getElementById("map-status");
  var button = document.getElementById("map-whole");
  var zoomed = false;

  function mark(x, y) {
    marker.setAttribute("cx", x.toFixed(1));
    marker.setAttribute("cy", y.toFixed(1));
    marker.removeAttribute("visibility");
  }

  function highlight(target) {
    svg.querySelectorAll("path.picked").forEach(function (path) { path.classList.remove("picked"); });
    if (!target || target.tagName.toLowerCase() !== "path") { return ""; }
    target.classList.add("picked");
    var name = target.dataset.name;
    var governorate = target.dataset.governorate;
    if (governorate) {
      var holder = svg.querySelector('.governorates path[data-code="' + governorate + '"]');
      if (holder) {
        holder.classList.add("picked");
        name += picker.dataset.separator + holder.dataset.name;
      }
    }
    return name;
  }

  function zoom(x, y) {
    var w = width / close, h = height / close;
    var left = Math.min(Math.max(x - w / 2, 0), width - w);
    var top = Math.min(Math.max(y - h / 2, 0), height - h);
    svg.setAttribute("viewBox", [left, top, w, h].map(function (v) { return v.toFixed(1); }).join(" "));
    marker.setAttribute("r", (radius / close).toFixed(2));
    zoomed = true;
    button.hidden = false;
  }

  picker.hidden = false;
  svg.addEventListener("click", function (event) {
    var matrix = svg.getScreenCTM();
    if (!matrix) { return; }
    var point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    var name = highlight(event.target);
    if (!name) {  // the sea, or outside the drawing
      status.textContent = picker.dataset.sea;
      return;
    }
    latitude.value = (north - point.y / yScale).toFixed(6);
    longitude.value = (west + point.x / xScale).toFixed(6);
    mark(point.x, point.y);
    if (!zoomed) { zoom(point.x, point.y); }
    status.textContent = picker.dataset.picked + " " + name;
  });

  button.addEventListener("click", function () {
    svg.setAttribute("viewBox", whole);
    marker.setAttribute("r", String(radius));
    zoomed = false;
    button.hidden = true;
  });

  // A typed point, or the device's, moves the mark (which area it is in, the server says).
  function typed() {
    var lat = Number(latitude.value.replace("\u066b", ".")), lon = Number(longitude.value.replace("\u066b", "."));
    if (!latitude.value || !longitude.value || !isFinite(lat) || !isFinite(lon)) { return; }
    var x = (lon - west) * xScale, y = (north - lat) * yScale;
    if (x < 0 || x > width || y < 0 || y > height) { return; }
    highlight(null);
    mark(x, y);
    if (zoomed) { zoom(x, y); }
  }
  latitude.addEventListener("change", typed);
  longitude.addEventListener("change", typed);
})();
