// milo-nomade: the partner pages' maps (Leaflet, served from /static/vendor/).
// Data comes from <script type="application/json"> blocks; every text from the store is put
// in the page with textContent (never as HTML). No tiles unless the person asks for them.
// - #partners-map: the listed partners, from the JSON of #partenaires-liste's data-points
//   attribute (HTMX drops the <script> elements of what it swaps in: allowScriptTags false),
//   drawn again after the list is refreshed;
// - #partner-point-map: the form's point, a draggable marker tied to the lon/lat inputs and
//   moved to the chosen commune's point when the commune changes.
(function () {
  "use strict";

  var m = window.miloMap;
  var readJson = m.readJson;
  var text = m.text;

  function baseMap(el, base) {
    var map = window.L.map(el, { zoomSnap: 0.25, zoomDelta: 0.5 });
    window.L.geoJSON(base.communes, {
      style: { color: "#555555", weight: 1, fillColor: "#f2f2f2", fillOpacity: 0.35 },
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(text("span", feature.properties.name), { sticky: true });
      }
    }).addTo(map);
    map.fitBounds(base.bounds);
    m.tilesToggle(map);
    return map;
  }

  function partnerPopup(p) {
    var box = document.createElement("div");
    var link = text("a", p.name);
    link.href = p.url;
    var title = document.createElement("strong");
    title.appendChild(link);
    box.appendChild(title);
    box.appendChild(text("div", p.type));
    box.appendChild(text("div", p.commune));
    return box;
  }

  function listMap() {
    var el = document.getElementById("partners-map");
    var base = readJson("partners-map-base");
    if (!el || !base) { return; }
    var map = baseMap(el, base);
    var layer = window.L.layerGroup().addTo(map);
    function draw() {
      layer.clearLayers();
      var list = document.getElementById("partenaires-liste");
      var points = list ? JSON.parse(list.getAttribute("data-points") || "[]") : [];
      points.forEach(function (p) {
        window.L.circleMarker([p.lat, p.lon], {
          radius: 7, color: "#1f2933", weight: 1, fillColor: "#0b62a4", fillOpacity: 0.9
        }).bindPopup(partnerPopup(p)).bindTooltip(text("span", p.name)).addTo(layer);
      });
    }
    draw();
    // the filtered list (and its points) came in by HTMX: draw its points
    document.body.addEventListener("htmx:afterSettle", draw);
  }

  function readNumber(input) {
    var value = parseFloat(String(input.value).replace(",", "."));
    return isFinite(value) ? value : null;
  }

  function pointMap() {
    var el = document.getElementById("partner-point-map");
    var data = readJson("partner-point-data");
    var lon = document.getElementById("p-lon");
    var lat = document.getElementById("p-lat");
    var commune = document.getElementById("p-commune");
    if (!el || !data || !lon || !lat) { return; }
    var map = baseMap(el, data);
    var marker = null;
    function setInputs(latlng) {
      lon.value = latlng.lng.toFixed(6);
      lat.value = latlng.lat.toFixed(6);
    }
    function place(latlng, pan) {
      if (marker === null) {
        marker = window.L.marker(latlng, {
          draggable: true, autoPan: true, title: "Emplacement du partenaire (à faire glisser)",
          alt: "Emplacement du partenaire"
        }).addTo(map);
        marker.on("dragend", function () { setInputs(marker.getLatLng()); });
      } else {
        marker.setLatLng(latlng);
      }
      if (pan) { map.panTo(latlng); }
    }
    var x = readNumber(lon);
    var y = readNumber(lat);
    if (x !== null && y !== null) { place([y, x], false); }
    map.on("click", function (event) {
      place(event.latlng, false);
      setInputs(event.latlng);
    });
    function fromInputs() {
      var x = readNumber(lon);
      var y = readNumber(lat);
      if (x !== null && y !== null) { place([y, x], true); }
    }
    lon.addEventListener("change", fromInputs);
    lat.addEventListener("change", fromInputs);
    if (commune) {
      commune.addEventListener("change", function () {
        var point = data.points[commune.value];
        if (!point) { return; }
        var latlng = window.L.latLng(point[1], point[0]);
        place(latlng, true);
        setInputs(latlng);
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) { return; }
    window.L.Icon.Default.imagePath = "/static/vendor/";
    listMap();
    pointMap();
  });
})();
