// milo-nomade: the day map of « Aujourd'hui » (Leaflet and map-base.js loaded first).
// The day's stops come from the page (<script type="application/json" id="carte-jour-data">),
// numbered as the list « Trajet de la journée »; the commune outlines from
// /terrain/donnees.json, which the service worker keeps for offline use.
(function () {
  "use strict";
  var m = window.miloMap;
  // one colour per team, in the order of the list (app.css: .team-0 ... .team-4)
  var COLOURS = ["#0b62a4", "#b3261e", "#1b7f3b", "#7a4a00", "#5b2a86"];

  function outlines(map) {
    return fetch("/terrain/donnees.json", {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; })
      .then(function (data) {
        if (data && data.communes) {
          m.outlines(map, data.communes, { className: "field-map-commune" }).bringToBack();
        }
      });
  }

  function draw() {
    var el = document.getElementById("carte-jour");
    var teams = m.readJson("carte-jour-data");
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
        window.L.marker([s.lat, s.lon], { icon: m.numberedIcon(s.n, colour), keyboard: false })
          .bindTooltip(m.text("span", s.n + ". " + s.when + " · " + s.place + " (" + team.team + ")"))
          .addTo(map);
      });
    });
    map.fitBounds(window.L.latLngBounds(points).pad(0.25), { maxZoom: 13 });
    outlines(map);
    m.tilesToggle(map);
  }

  m.onReady(draw);
})();
