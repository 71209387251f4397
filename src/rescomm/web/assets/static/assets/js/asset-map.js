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
  // No tile layer sets a maximum zoom, and the cluster plugin needs one.
  var map = L.map(holder, { scrollWheelZoom: false, maxZoom: 18 });
  // Leaflet.markercluster (npm, optional): nearby markers are grouped into one numbered
  // cluster until the map is zoomed in; without it every marker is drawn.
  var layer = L.markerClusterGroup
    ? L.markerClusterGroup({
        showCoverageOnHover: false,
        maxClusterRadius: 50,
        // The library's default icon, plus words for screen readers (the count is a number).
        iconCreateFunction: function (cluster) {
          var n = cluster.getChildCount();
          var size = n < 10 ? "small" : n < 100 ? "medium" : "large";
          return L.divIcon({
            html: "<div><span>" + n + '<span class="visually-hidden"> assets here: select to zoom in</span></span></div>',
            className: "marker-cluster marker-cluster-" + size,
            iconSize: L.point(40, 40)
          });
        }
      })
    : L.layerGroup();
  var bounds = [];
  markers.forEach(function (m) {
    // Text, never HTML: the asset's name as a link, then its category's label.
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.name;
    popup.appendChild(link);
    if (m.category) {
      var kind = document.createElement("div");
      kind.textContent = m.category;
      popup.appendChild(kind);
    }
    layer.addLayer(
      L.circleMarker([m.lat, m.lon], { radius: 7, color: "#1d70b8", weight: 2, fillOpacity: 0.7 })
        .bindPopup(popup)
    );
    bounds.push([m.lat, m.lon]);
  });
  layer.addTo(map);
  map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
})();
