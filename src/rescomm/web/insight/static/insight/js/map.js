// Enhance the server-rendered SVG choropleth into a Leaflet map with pan, zoom, tooltips and
// click-through. No basemap tiles (nothing is fetched from other sites). If Leaflet or the
// GeoJSON cannot be loaded, the SVG map stays as it is.
// The home map colours areas by their IMD decile (a GeoJSON property). An index map
// (figure[data-values-url]) fetches the deciles of the chosen node from the API and links each
// area to its profile (data-area-url, with CODE replaced by the area code).
(function () {
  "use strict";
  var figure = document.querySelector("figure[data-map]") || document.getElementById("imd-map");
  if (!figure || !window.L || !window.fetch) {
    return;
  }
  var palette = JSON.parse(figure.getAttribute("data-palette"));
  var container = figure.querySelector("[data-map-container]");
  var valuesUrl = figure.getAttribute("data-values-url");
  var areaUrl = figure.getAttribute("data-area-url");
  var valueLabel = figure.getAttribute("data-value-label") || "IMD decile";
  var deciles = null;

  function decileOf(p) {
    return deciles ? deciles[p.code] : p.imd_decile;
  }

  function urlOf(p) {
    return areaUrl ? areaUrl.replace("CODE", encodeURIComponent(p.code)) : p.url;
  }

  function getJson(url, accept) {
    return fetch(url, { headers: { Accept: accept } }).then(function (response) {
      if (!response.ok) {
        throw new Error("request failed: " + url + " " + response.status);
      }
      return response.json();
    });
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  function style(feature) {
    return {
      color: "#ffffff",
      weight: 0.5,
      fillColor: palette[String(decileOf(feature.properties))] || "#dddddd",
      fillOpacity: 0.9,
    };
  }

  var values = valuesUrl
    ? getJson(valuesUrl, "application/json").then(function (body) {
        deciles = body.deciles;
      })
    : Promise.resolve();
  Promise.all([getJson(figure.getAttribute("data-geojson-url"), "application/geo+json"), values])
    .then(function (loaded) {
      var collection = loaded[0];
      if (deciles) {
        collection.features = collection.features.filter(function (f) {
          return Object.prototype.hasOwnProperty.call(deciles, f.properties.code);
        });
      }
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
            text(p.name) + " (" + text(p.code) + ")<br>" + text(valueLabel) + " " +
              (decileOf(p) ? text(decileOf(p)) : "not available"),
            { sticky: true }
          );
          shape.on("click", function () {
            window.location.href = urlOf(p);
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
