// Enhance the asset list with a Leaflet map of the same results: the searched point with the
// radius used, and every result (clustered). Without JavaScript or Leaflet the list stays as it
// is. Configuration comes from the page (json_script "asset-map-config").
(function () {
  "use strict";
  var data = document.getElementById("asset-markers");
  var configNode = document.getElementById("asset-map-config");
  var holder = document.querySelector("[data-asset-map]");
  if (!data || !configNode || !holder || !window.L) {
    return;
  }
  var markers = JSON.parse(data.textContent);
  var config = JSON.parse(configNode.textContent);
  var searched = config.searched;
  if (!markers.length && !searched) {
    return;
  }
  holder.hidden = false;
  var note = document.querySelector("[data-asset-map-note]");
  if (note) {
    note.hidden = false;
  }
  holder.setAttribute("role", "region");
  holder.setAttribute("aria-label", "Map of the assets on this page (the list below has the same assets)");
  var tiles = config.tiles;
  // The cluster plugin needs a maximum zoom.
  var map = L.map(holder, {
    scrollWheelZoom: false,
    maxZoom: 18,
    minZoom: tiles ? tiles.minZoom : 0,
    zoomSnap: 0.25
  });
  if (tiles) {
    // The configured tile service (OpenStreetMap unless the council set another). Tiles are
    // fetched only for the view, as it is shown (no prefetching), from the URL as given (so
    // browsers cache them), with the site's origin as the Referer.
    L.tileLayer(tiles.url, {
      attribution: tiles.attribution,
      minZoom: tiles.minZoom,
      maxNativeZoom: tiles.maxZoom,
      maxZoom: 18,
      referrerPolicy: tiles.referrerPolicy
    }).addTo(map);
  }

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

  if (searched) {
    // The radius the search used (metres, from the page: the same number as the heading) and
    // the searched point, labelled with what was searched for.
    L.circle([searched.lat, searched.lon], {
      radius: searched.radius,
      color: "#0b0c0c",
      weight: 2,
      dashArray: "6 4",
      fillColor: "#0b0c0c",
      fillOpacity: 0.04,
      interactive: false,
      className: "searched-radius"
    }).addTo(map);
    L.marker([searched.lat, searched.lon], {
      icon: L.divIcon({ className: "searched-point", iconSize: L.point(18, 18) }),
      keyboard: false,
      interactive: false
    })
      .bindTooltip(searched.label, { permanent: true, direction: "top", offset: [0, -10], className: "searched-label" })
      .addTo(map);
    // The circle's own bounds need a map view; a square of the same size does not.
    map.fitBounds(L.latLng(searched.lat, searched.lon).toBounds(2 * searched.radius), { padding: [10, 10] });
  } else {
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
  }
  layer.addTo(map);
})();
