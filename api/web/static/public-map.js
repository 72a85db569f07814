// milo-nomade: the map of the public page (Leaflet and map-base.js loaded first).
// Data from <script type="application/json" id="carte-publique-data">: the commune outlines,
// the numbered public stops (a private place has none) and their pages.
(function () {
  "use strict";
  var m = window.miloMap;

  function draw() {
    var el = document.getElementById("carte-publique");
    var data = m.readJson("carte-publique-data");
    if (!el || !data || !window.L) { return; }
    var map = window.L.map(el, { zoomSnap: 0.25, zoomDelta: 0.5 });
    m.outlines(map, data.communes);
    map.fitBounds(data.bounds);
    data.points.forEach(function (p) {
      window.L.marker([p.lat, p.lon], { icon: m.numberedIcon(p.n), keyboard: false })
        .bindTooltip(m.text("span", p.n + ". " + p.label))
        .on("click", function () { window.location.href = p.url; })
        .addTo(map);
    });
    m.tilesToggle(map);
  }

  m.onReady(draw);
})();
