// The filing page: the device's location and a voice note recorded in the page. Without
// JavaScript (or without permission) people type the location and upload a recording instead.
(function () {
  "use strict";
  var texts = document.getElementById("texts").dataset;
  var MAX_SECONDS = 180;

  var locate = document.getElementById("locate");
  var status = document.getElementById("locate-status");
  if (navigator.geolocation && locate) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = texts.locating;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          document.getElementById("latitude").value = position.coords.latitude.toFixed(6);
          document.getElementById("longitude").value = position.coords.longitude.toFixed(6);
          document.getElementById("longitude").dispatchEvent(new Event("change"));  // the map marks it
          status.textContent = texts.located;
        },
        function () { status.textContent = texts.noLocation; },
        { enableHighAccuracy: true, timeout: 15000 }
      );
    });
  }

  var recorder = document.getElementById("recorder");
  var input = document.getElementById("voice");
  var say = document.getElementById("record-status");
  if (!recorder || !window.MediaRecorder || !navigator.mediaDevices || !window.DataTransfer) { return; }
  recorder.hidden = false;
  var start = document.getElementById("record");
  var stop = document.getElementById("stop");
  var media = null;
  var timer = null;
  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var chunks = [];
      media = new MediaRecorder(stream);
      media.addEventListener("dataavailable", function (event) { if (event.data.size) { chunks.push(event.data); } });
      media.addEventListener("stop", function () {
        stream.getTracks().forEach(function (track) { track.stop(); });
        var type = (media.mimeType || "audio/webm").split(";")[0];
        var file = new File([new Blob(chunks, { type: type })], "voice-note." + (type.indexOf("ogg") >= 0 ? "ogg" : "webm"), { type: type });
        var transfer = new DataTransfer();
        transfer.items.add(file);
        input.files = transfer.files;
        say.textContent = texts.recorded;
        start.disabled = false;
        stop.disabled = true;
      });
      media.start(1000);
      say.textContent = texts.recording;
      start.disabled = true;
      stop.disabled = false;
      timer = window.setTimeout(function () { if (media && media.state === "recording") { media.stop(); } }, MAX_SECONDS * 1000);
    }, function () { say.textContent = texts.noMic; });
  });
  stop.addEventListener("click", function () {
    if (timer) { window.clearTimeout(timer); }
    if (media && media.state === "recording") { media.stop(); }
  });
})();
