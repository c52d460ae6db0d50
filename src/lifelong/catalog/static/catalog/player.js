// Resume a recording where the learner left it and save the position every 15 seconds and
// on pause; the "done" button and the rest of the page work without this script.
(function () {
  "use strict";
  var media = document.querySelector(".media[data-progress-url]");
  if (!media) { return; }
  var url = media.getAttribute("data-progress-url");
  var resume = parseInt(media.getAttribute("data-resume") || "0", 10);
  var tokenInput = document.querySelector("#csrf-holder input[name=csrfmiddlewaretoken]");
  var lastSent = -1;
  function save(completed) {
    var position = Math.floor(media.currentTime || 0);
    if (!completed && position === lastSent) { return; }
    lastSent = position;
    var body = new URLSearchParams();
    body.set("position_seconds", String(position));
    if (completed) { body.set("completed", "1"); }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": tokenInput ? tokenInput.value : "", "X-Requested-With": "fetch" },
      body: body
    }).catch(function () { /* offline: the next save carries the position */ });
  }
  media.addEventListener("loadedmetadata", function () {
    if (resume > 0 && resume < (media.duration || Infinity) - 1) { media.currentTime = resume; }
  });
  media.addEventListener("pause", function () { save(false); });
  media.addEventListener("ended", function () { save(true); });
  setInterval(function () { if (!media.paused) { save(false); } }, 15000);
})();
