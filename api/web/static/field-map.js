// milo-nomade: the day map of « Aujourd'hui » (Leaflet from /static/vendor/, no inline script).
// The day's stops come from the page (<script type="application/json" id="carte-jour-data">),
// numbered as the list « Trajet de la journée »; the commune outlines from
// /terrain/donnees.json, which the service worker keeps for offline use. No tile is loaded
// unless the person asks for the OpenStreetMap background (online only). Every text is set
// with textContent, never as HTML.
(function () {
  "use strict";
  var COLOURS = ["#0b62a4", "#b3261e", "#1b7f3b", "#7a4a00", "#5b2a86"];

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function text(tag, value) {
    var el = document.createElement(tag);
    el.textContent = value;
    return el;
  }

  function numbered(n, colour) {
    var el = text("span", String(n));
    el.className = "field-map-stop";
    el.style.backgroundColor = colour;
    return window.L.divIcon({ html: el, className: "", iconSize: [28, 28], iconAnchor: [14, 14] });
  }

  function outlines(map) {
    return fetch("/terrain/donnees.json", {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; })
      .then(function (data) {
        if (!data || !data.communes) { return; }
        window.L.geoJSON(data.communes, {
          interactive: false,
          style: { color: "#666666", weight: 1, fillColor: "#f2f2f2", fillOpacity: 0.4 }
        }).addTo(map).bringToBack();
      });
  }

  function draw() {
    var el = document.getElementById("carte-jour");
    var teams = readJson("carte-jour-data");
    if (!el || !teams || !window.L) { return; }
    var points = [];
    teams.forEach(function (team) {
      team.stops.forEach(function (s) { points.push([s.lat, s.lon]); });
    });
    if (!points.length) { el.hidden = true; return; }
    el.hidden = false;
    var map = window.L.map(el, { zoomSnap: 0.25, zoomDelta: 0.5 });
    teams.forEach(function (team, t) {
      var colour = COLOURS[t % COLOURS.length];
      var line = team.stops.map(function (s) { return [s.lat, s.lon]; });
      if (line.length > 1) {
        window.L.polyline(line, { color: colour, weight: 3, opacity: 0.8 }).addTo(map);
      }
      team.stops.forEach(function (s) {
        window.L.marker([s.lat, s.lon], {
          icon: numbered(s.n, colour), keyboard: false, title: ""
        }).bindTooltip(text("span", s.n + ". " + s.when + " · " + s.place + " (" + team.team + ")"))
          .addTo(map);
      });
    });
    map.fitBounds(window.L.latLngBounds(points).pad(0.25), { maxZoom: 13 });
    outlines(map);
    var tiles = window.L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19, attribution: "© contributeurs OpenStreetMap"
    });
    var toggle = document.getElementById("fond-osm");
    if (toggle) {
      toggle.closest(".map-tiles").hidden = false;
      toggle.addEventListener("change", function () {
        if (toggle.checked) { tiles.addTo(map); } else { map.removeLayer(tiles); }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
