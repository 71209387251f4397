// Enhance the asset list with a Leaflet map of the same results (no basemap tiles: nothing is
// fetched from other sites). Without JavaScript or Leaflet the list stays as it is.
(function () {
  "use strict";
  var data = document.getElementById("asset-markers");
  var holder = document.querySelector("[data-asset-map]");
  if (!data || !holder || !window.L) {
    return;
  }
  var markers = JSON.parse(data.textContent);
  if (!markers.length) {
    return;
  }
  holder.hidden = false;
  var note = document.querySelector("[data-asset-map-note]");
  if (note) {
    note.hidden = false;
  }
  holder.setAttribute("role", "region");
  holder.setAttribute("aria-label", "Map of the assets on this page (the list below has the same assets)");
  var map = L.map(holder, { scrollWheelZoom: false });
  var bounds = [];
  markers.forEach(function (m) {
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.name; // text, never HTML
    L.circleMarker([m.lat, m.lon], { radius: 7, color: "#1d70b8", weight: 2, fillOpacity: 0.7 })
      .bindPopup(link)
      .addTo(map);
    bounds.push([m.lat, m.lon]);
  });
  map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
})();
