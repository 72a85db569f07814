// milo-nomade: the map of the public page (Leaflet from /static/vendor/, no inline script).
// Data from <script type="application/json" id="carte-publique-data">: the commune outlines,
// the numbered public stops (a private place has none) and their pages. No tile unless the
// visitor asks for the OpenStreetMap background. Texts are set with textContent only.
(function () {
  "use strict";

  function draw() {
    var el = document.getElementById("carte-publique");
    var source = document.getElementById("carte-publique-data");
    if (!el || !source || !window.L) { return; }
    var data = JSON.parse(source.textContent);
    var map = window.L.map(el, { zoomSnap: 0.25, zoomDelta: 0.5 });
    window.L.geoJSON(data.communes, {
      interactive: false,
      style: { color: "#666666", weight: 1, fillColor: "#f2f2f2", fillOpacity: 0.4 }
    }).addTo(map);
    map.fitBounds(data.bounds);
    data.points.forEach(function (p) {
      var icon = document.createElement("span");
      icon.className = "field-map-stop";
      icon.textContent = String(p.n);
      var label = document.createElement("span");
      label.textContent = p.n + ". " + p.label;
      window.L.marker([p.lat, p.lon], {
        icon: window.L.divIcon({ html: icon, className: "", iconSize: [28, 28], iconAnchor: [14, 14] }),
        keyboard: false
      }).bindTooltip(label).on("click", function () { window.location.href = p.url; }).addTo(map);
    });
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
