// Enhance the server-rendered SVG choropleth into a Leaflet map with pan, zoom, tooltips and
// click-through. No basemap tiles (nothing is fetched from other sites). If Leaflet or the
// GeoJSON cannot be loaded, the SVG map stays as it is.
(function () {
  "use strict";
  var figure = document.getElementById("imd-map");
  if (!figure || !window.L || !window.fetch) {
    return;
  }
  var palette = JSON.parse(figure.getAttribute("data-palette"));
  var container = figure.querySelector("[data-map-container]");

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  function style(feature) {
    return {
      color: "#ffffff",
      weight: 0.5,
      fillColor: palette[String(feature.properties.imd_decile)] || "#dddddd",
      fillOpacity: 0.9,
    };
  }

  fetch(figure.getAttribute("data-geojson-url"), { headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("GeoJSON request failed: " + response.status);
      }
      return response.json();
    })
    .then(function (collection) {
      var mapDiv = document.createElement("div");
      mapDiv.className = "leaflet-map";
      mapDiv.id = "leaflet-map";
      mapDiv.setAttribute("role", "region");
      mapDiv.setAttribute(
        "aria-label",
        "Interactive map: use the arrow keys to pan and plus or minus to zoom. " +
          "Every area is also listed in the tables below the map."
      );
      container.appendChild(mapDiv);
      figure.classList.add("is-enhanced");

      var map = L.map(mapDiv, { zoomSnap: 0.25, attributionControl: false, preferCanvas: false });
      var layer = L.geoJSON(collection, {
        style: style,
        onEachFeature: function (feature, shape) {
          var p = feature.properties;
          shape.bindTooltip(
            text(p.name) + " (" + text(p.code) + ")<br>IMD decile " +
              (p.imd_decile ? text(p.imd_decile) : "not available"),
            { sticky: true }
          );
          shape.on("click", function () {
            window.location.href = p.url;
          });
          shape.on("mouseover", function () {
            shape.setStyle({ weight: 2, color: "#0b0c0c" });
          });
          shape.on("mouseout", function () {
            layer.resetStyle(shape);
          });
        },
      }).addTo(map);
      map.fitBounds(layer.getBounds());
    })
    .catch(function (error) {
      // Keep the SVG map; report for developers only.
      if (window.console) {
        console.warn("Interactive map unavailable, showing the static map:", error);
      }
    });
})();
