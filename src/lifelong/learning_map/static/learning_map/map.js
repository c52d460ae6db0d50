/* The learning map: places (clustered, reloaded for the visible box), one place, or a route.
   Reads its configuration from data-* attributes (the Content-Security-Policy forbids inline
   scripts). Points arrive in WGS-84 plus, for a GCJ-02 basemap, display_lat/display_lng
   converted by the server; with no tile server the map draws on a plain background. */
(function () {
  "use strict";

  var SHANGHAI = [31.2304, 121.4737];

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) node.className = className;
    return node;
  }

  function popupFor(item) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = "/map/places/" + item.id + "/";
    link.textContent = item.name;
    box.appendChild(link);
    if (item.address) box.appendChild(text("p", item.address));
    return box;
  }

  function shown(item, crs) {
    if (crs === "gcj02" && item.display_lat !== undefined && item.display_lat !== null) {
      return [item.display_lat, item.display_lng];
    }
    return [item.lat, item.lng];
  }

  function baseMap(el) {
    // maxZoom on the map itself: with no tile layer nothing else sets it, and clustering needs it.
    var map = L.map(el, { zoomControl: true, attributionControl: true, minZoom: 3, maxZoom: 19 });
    var url = el.dataset.tileUrl;
    if (url) {
      L.tileLayer(url, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    return map;
  }

  function placesMode(el, map) {
    var crs = el.dataset.tileCrs || "wgs84";
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
    map.addLayer(cluster);
    var originLat = parseFloat(el.dataset.originLat);
    var originLng = parseFloat(el.dataset.originLng);
    if (!isNaN(originLat) && !isNaN(originLng)) {
      map.setView([originLat, originLng], 14);
      L.circleMarker([originLat, originLng], { radius: 9, weight: 3 })
        .bindTooltip(el.getAttribute("data-origin-label") || "")
        .addTo(map);
    } else {
      map.setView(SHANGHAI, 10);
    }
    var pending = null;
    function load() {
      var b = map.getBounds();
      // A GCJ-02 view is offset from WGS-84 by a few hundred metres: widen the box so that
      // places at its edges are not missed.
      var pad = crs === "gcj02" ? 0.01 : 0;
      var bbox = [
        Math.max(-180, b.getWest() - pad), Math.max(-90, b.getSouth() - pad),
        Math.min(180, b.getEast() + pad), Math.min(90, b.getNorth() + pad)
      ].map(function (v) { return v.toFixed(5); }).join(",");
      var params = new URLSearchParams({ bbox: bbox, limit: "5000", crs: crs });
      ["kind", "district", "audience"].forEach(function (name) {
        if (el.dataset[name]) params.set(name, el.dataset[name]);
      });
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(el.dataset.api + "?" + params.toString(), { signal: pending.signal })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) {
          cluster.clearLayers();
          var markers = data.items.map(function (item) {
            return L.marker(shown(item, crs), { title: item.name, alt: item.name })
              .bindPopup(popupFor(item));
          });
          cluster.addLayers(markers);
          el.dataset.loaded = String(markers.length);
        })
        .catch(function () { /* a newer request replaced this one */ });
    }
    map.on("moveend", load);
    load();
  }

  function placeMode(el, map) {
    var at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
    map.setView(at, 16);
    L.marker(at, { title: el.dataset.name, alt: el.dataset.name }).addTo(map);
    el.dataset.loaded = "1";
  }

  function routeMode(el, map) {
    var crs = el.dataset.tileCrs || "wgs84";
    map.setView(SHANGHAI, 12);
    fetch(el.dataset.api + "?crs=" + encodeURIComponent(crs))
      .then(function (r) { return r.json(); })
      .then(function (route) {
        var points = route.stops.map(function (s) { return shown(s, crs); });
        if (!points.length) return;
        var line = L.polyline(points, { weight: 5 }).addTo(map);
        route.stops.forEach(function (s, i) {
          var icon = L.divIcon({ className: "stop-icon", html: String(s.position), iconSize: [28, 28] });
          L.marker(points[i], { icon: icon, title: s.name, alt: s.name })
            .bindPopup(popupFor({ id: s.place_id, name: s.name }))
            .addTo(map);
        });
        map.fitBounds(line.getBounds(), { padding: [24, 24] });
        el.dataset.loaded = String(points.length);
      });
  }

  function locateButton() {
    var button = document.getElementById("locate-me");
    if (!button || !navigator.geolocation) return;
    var status = document.getElementById("locate-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.waiting || "…";
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          document.getElementById("near-lat").value = pos.coords.latitude.toFixed(6);
          document.getElementById("near-lng").value = pos.coords.longitude.toFixed(6);
          document.getElementById("near-street").value = "";
          document.getElementById("map-filters").submit();
        },
        function () {
          status.textContent = button.dataset.denied || "";
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 }
      );
    });
  }

  function init() {
    locateButton();
    var el = document.getElementById("learning-map");
    if (!el || !window.L) return;
    var map = baseMap(el);
    var mode = el.dataset.mode;
    if (mode === "places") placesMode(el, map);
    else if (mode === "place") placeMode(el, map);
    else if (mode === "route") routeMode(el, map);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
