// milo-nomade: what the project's Leaflet maps share (window.miloMap), loaded before each
// page's map script (partners, « Aujourd'hui », the public page). No inline script: data comes
// from <script type="application/json"> blocks; texts go in with textContent, never as HTML.
// No tile is loaded unless the person asks for the OpenStreetMap background (online only).
(function () {
  "use strict";

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function text(tag, value) {
    var el = document.createElement(tag);
    el.textContent = value;
    return el;
  }

  // the commune outlines, drawn under the points
  function outlines(map, communes, options) {
    return window.L.geoJSON(communes, Object.assign({
      interactive: false,
      style: { color: "#666666", weight: 1, fillColor: "#f2f2f2", fillOpacity: 0.4 }
    }, options || {})).addTo(map);
  }

  // the checkbox #fond-osm (in a hidden .map-tiles paragraph) shows the OSM background
  function tilesToggle(map) {
    var tiles = window.L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19, attribution: "© contributeurs OpenStreetMap"
    });
    var toggle = document.getElementById("fond-osm");
    if (!toggle) { return; }
    toggle.closest(".map-tiles").hidden = false;
    toggle.addEventListener("change", function () {
      if (toggle.checked) { tiles.addTo(map); } else { map.removeLayer(tiles); }
    });
  }

  // a numbered round marker (the number of the stop in the page's list)
  function numberedIcon(n, colour) {
    var el = text("span", String(n));
    el.className = "field-map-stop";
    if (colour) { el.style.backgroundColor = colour; }
    return window.L.divIcon({ html: el, className: "", iconSize: [28, 28], iconAnchor: [14, 14] });
  }

  function onReady(draw) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", draw);
    } else {
      draw();
    }
  }

  window.miloMap = {
    readJson: readJson, text: text, outlines: outlines, tilesToggle: tilesToggle,
    numberedIcon: numberedIcon, onReady: onReady
  };
})();
