// Enhance the asset map: the server draws it as an SVG (offline base layer, searched point,
// radius, this page's assets); with Leaflet it becomes a map people can pan and zoom, over the
// configured tiles (OpenStreetMap unless the council set another), with every result
// (clustered). When tiles are off, fail (offline, blocked by a Content-Security-Policy) or do
// not arrive, the map draws the offline base layer instead: local authority, ward and small
// area outlines and place names from the site itself (/assets/basemap.json).
// Configuration comes from the page (json_script "asset-map-config"). Without JavaScript or
// Leaflet the SVG stays.
(function () {
  "use strict";
  var data = document.getElementById("asset-markers");
  var configNode = document.getElementById("asset-map-config");
  var holder = document.querySelector("[data-asset-map]");
  var figure = document.querySelector("[data-asset-map-figure]");
  if (!data || !configNode || !holder || !figure || !window.L) {
    return;
  }
  var markers = JSON.parse(data.textContent);
  var config = JSON.parse(configNode.textContent);
  var searched = config.searched;
  if (!markers.length && !searched) {
    return;
  }
  // Give tiles this long to arrive before drawing the offline layer instead (milliseconds).
  var TILE_PATIENCE = 8000;

  holder.hidden = false;
  figure.classList.add("is-enhanced");
  [["[data-asset-map-static]", true], ["[data-asset-map-note]", false]].forEach(function (pair) {
    var node = figure.querySelector(pair[0]);
    if (node) {
      node.hidden = pair[1];
    }
  });
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

  // The offline base layer ------------------------------------------------------------------
  map.createPane("basemap").style.zIndex = 250; // over tiles (200), under markers and shapes
  map.createPane("basemapLabels").style.zIndex = 450;
  map.getPane("basemapLabels").style.pointerEvents = "none";
  var offline = null; // {layers: L.LayerGroup, labels: [], loaded: bounds, zoom: number}

  // Rings arrive as integer steps of `step` degrees from the point before (the first point
  // absolute): decode them to Leaflet's [lat, lon] pairs.
  function rings(list, step) {
    return list.map(function (flat) {
      var points = [];
      var lon = 0;
      var lat = 0;
      for (var i = 0; i < flat.length; i += 2) {
        lon += flat[i];
        lat += flat[i + 1];
        points.push([lat * step, lon * step]);
      }
      return points;
    });
  }

  function drawOffline(body) {
    var renderer = L.canvas({ pane: "basemap", padding: 0.5 });
    var group = L.layerGroup();
    var common = { renderer: renderer, interactive: false, pane: "basemap" };
    var shapes = { lad: rings(body.lad, body.step), ward: rings(body.ward, body.step), lsoa: rings(body.lsoa, body.step) };
    [
      ["lad", { stroke: false, fillColor: "#f5f2ea", fillOpacity: 1, fillRule: "evenodd" }],
      ["lsoa", { color: "#e0dacd", weight: 0.75, fill: false }],
      ["ward", { color: "#8f897b", weight: 1.5, fill: false }],
      ["lad", { color: "#5f5a50", weight: 2.5, fill: false }]
    ].forEach(function (step) {
      if (shapes[step[0]].length) {
        group.addLayer(L.polygon(shapes[step[0]], L.extend({}, common, step[1])));
      }
    });
    var labels = [];
    body.labels.forEach(function (p, rank) {
      var span = document.createElement("span");
      span.textContent = p.name; // text, never HTML
      var marker = L.marker([p.lat, p.lon], {
        icon: L.divIcon({ className: "basemap-label basemap-label--" + p.kind, html: span, iconSize: null }),
        interactive: false,
        keyboard: false,
        pane: "basemapLabels"
      });
      labels.push({ marker: marker, kind: p.kind, rank: rank });
      group.addLayer(marker);
    });
    // Local authorities first, then the larger places.
    labels.sort(function (a, b) {
      return (a.kind === "lad" ? 0 : 1) - (b.kind === "lad" ? 0 : 1) || a.rank - b.rank;
    });
    if (offline.layers) {
      map.removeLayer(offline.layers);
    }
    offline.layers = group;
    offline.labels = labels;
    group.addTo(map);
    placeLabels();
  }

  // Show the names that fit: each one that would overlap a name already shown is hidden.
  function placeLabels() {
    if (!offline || !offline.labels) {
      return;
    }
    var taken = [];
    var edge = holder.getBoundingClientRect();
    offline.labels.forEach(function (label) {
      var element = label.marker.getElement();
      if (!element) {
        return;
      }
      element.style.visibility = "hidden";
      var box = element.firstChild.getBoundingClientRect();
      var outside = box.left < edge.left || box.right > edge.right || box.top < edge.top || box.bottom > edge.bottom;
      var clash = outside || taken.some(function (t) {
        return box.left < t.right && t.left < box.right && box.top < t.bottom && t.top < box.bottom;
      });
      if (!clash && box.width) {
        element.style.visibility = "visible";
        taken.push(box);
      }
    });
  }

  function snap(value, step, up) {
    return (up ? Math.ceil(value / step) : Math.floor(value / step)) * step;
  }

  // Load the offline layer for the view (and a margin), unless what is loaded covers it at
  // about this zoom. Boxes are snapped to a grid so that browsers and the server cache them.
  function loadOffline() {
    var zoom = map.getZoom();
    var view = map.getBounds();
    if (offline.loaded && offline.loaded.contains(view) && Math.abs(zoom - offline.zoom) < 1) {
      placeLabels();
      return;
    }
    var step = 360 / Math.pow(2, Math.max(Math.floor(zoom), 4));
    var wanted = view.pad(0.25);
    var box = [
      snap(wanted.getWest(), step, false), snap(wanted.getSouth(), step / 2, false),
      snap(wanted.getEast(), step, true), snap(wanted.getNorth(), step / 2, true)
    ].map(function (v) {
      return Number(v.toFixed(5));
    });
    var request = box.join(",");
    if (request === offline.requested) {
      return;
    }
    offline.requested = request;
    fetch(config.basemap.url + "?bbox=" + request, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("offline layer: " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        if (offline.requested !== request) {
          return; // a newer view is on its way
        }
        offline.loaded = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
        offline.zoom = zoom;
        drawOffline(body);
      })
      .catch(function (error) {
        offline.requested = null;
        if (window.console) {
          console.warn("The offline base map could not be loaded:", error);
        }
      });
  }

  function useOffline() {
    if (offline || !window.fetch) {
      return;
    }
    offline = {};
    holder.classList.add("is-offline");
    var offlineNote = figure.querySelector("[data-asset-map-offline]");
    if (offlineNote) {
      offlineNote.hidden = false;
    }
    holder.setAttribute("data-basemap", "offline");
    map.attributionControl.addAttribution(config.basemap.attribution);
    map.on("moveend", loadOffline); // names are placed again once the view settles
    loadOffline();
  }

  // Tiles, with the offline layer as the fallback ---------------------------------------------
  var tileLayer = null;
  if (tiles) {
    // Tiles are fetched only for the view, as it is shown (no prefetching), from the URL as
    // given (so browsers cache them), with the site's origin as the Referer.
    tileLayer = L.tileLayer(tiles.url, {
      attribution: tiles.attribution,
      minZoom: tiles.minZoom,
      maxNativeZoom: tiles.maxZoom,
      maxZoom: 18,
      referrerPolicy: tiles.referrerPolicy
    });
    var loaded = 0;
    var failed = 0;
    var giveUp = function () {
      if (!loaded && tileLayer) {
        map.removeLayer(tileLayer); // stops every further tile request
        tileLayer = null;
        useOffline();
      }
    };
    tileLayer.on("tileload", function () {
      loaded += 1;
      holder.setAttribute("data-basemap", "tiles");
    });
    tileLayer.on("tileerror", function () {
      failed += 1;
    });
    // "load": every tile of the view has arrived or failed. (Leaflet is still handling the
    // event, so the layer is taken off the map just after.)
    tileLayer.on("load", function () {
      if (failed && !loaded) {
        window.setTimeout(giveUp, 0);
      }
    });
    window.setTimeout(giveUp, TILE_PATIENCE);
  }

  // Results, the searched point and the radius ------------------------------------------------
  // Leaflet.markercluster (npm, optional): nearby markers are grouped into one numbered
  // cluster until the map is zoomed in; without it every marker is drawn.
  var layer = L.markerClusterGroup
    ? L.markerClusterGroup({
        showCoverageOnHover: false,
        // wide enough that no two cluster icons (40 px) overlap: WCAG 2.2 target size (2.5.8)
        maxClusterRadius: 80,
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
    var category = config.categories[m.category];
    if (category) {
      var kind = document.createElement("div");
      kind.textContent = category;
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
  if (tileLayer) {
    tileLayer.addTo(map);
  } else {
    useOffline();
  }
})();
