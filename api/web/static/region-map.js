// milo-nomade: the ARML's map of one indicator (Leaflet and map-base.js loaded first).
// Data from <script type="application/json" id="carte-region-data">: each territory's outline,
// name, shown value and class colour (computed by the server; a hidden value is grey).
(function () {
  "use strict";
  var m = window.miloMap;

  function draw() {
    var el = document.getElementById("carte-region");
    var data = m.readJson("carte-region-data");
    if (!el || !data || !window.L) { return; }
    var map = window.L.map(el, { zoomSnap: 0.25, zoomDelta: 0.5 });
    window.L.geoJSON(data.territories, {
      style: function (f) {
        return { color: "#333333", weight: 1, fillColor: f.properties.colour, fillOpacity: 0.85 };
      },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(m.text("span", f.properties.name), {
          permanent: true, direction: "center", className: "region-label"
        });
        layer.bindPopup(m.text("span", f.properties.name + " : " + f.properties.value));
      }
    }).addTo(map);
    map.fitBounds(data.bounds);
    m.tilesToggle(map);
  }

  m.onReady(draw);
})();
