/* kuntadata: progressive enhancement only. Without JavaScript every page still shows its
   sentences, tables and download links; this file adds the charts and the search filter. */
(function () {
  "use strict";

  function normalise(text) {
    return text.toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim();
  }

  function setupSearch() {
    var box = document.querySelector("[data-search]");
    if (!box) return;
    var input = box.querySelector("input");
    var status = box.querySelector("[role=status]");
    var items = Array.prototype.slice.call(document.querySelectorAll("li[data-names]"));
    var names = items.map(function (li) { return normalise(li.getAttribute("data-names")); });
    var groups = Array.prototype.slice.call(document.querySelectorAll("[data-region]"));
    box.hidden = false;
    input.addEventListener("keydown", function (event) {
      var link = firstMatch();
      if (event.key === "Enter" && input.value && link) { event.preventDefault(); link.click(); }
    });
    input.addEventListener("input", function () {
      var query = normalise(input.value);
      var found = 0;
      items.forEach(function (li, i) {
        var match = !query || names[i].indexOf(query) !== -1;
        li.hidden = !match;
        if (match) found += 1;
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("li[data-names]:not([hidden])");
        var heading = group.querySelector("h3");
        if (heading) heading.hidden = Boolean(query);  /* Tab goes straight to the matches */
      });
      if (!query) { status.textContent = ""; return; }
      status.textContent = found ? status.getAttribute("data-some").replace("{n}", found)
                                 : status.getAttribute("data-none");
    });
  }

  function firstMatch() {
    return document.querySelector("li[data-names]:not([hidden]) a");
  }

  function setupCharts() {
    var charts = document.querySelectorAll("[data-spec]");
    if (!charts.length || typeof window.vegaEmbed !== "function") return;
    var locale = JSON.parse(document.getElementById("vega-locale").textContent);
    Array.prototype.forEach.call(charts, function (element) {
      var spec = JSON.parse(document.getElementById(element.getAttribute("data-spec")).textContent);
      if (spec.facet && element.clientWidth < 640) spec.columns = 1;  /* small multiples stack on phones */
      window.vegaEmbed(element, spec, {
        renderer: "svg",
        actions: false,
        formatLocale: locale.number,
        timeFormatLocale: locale.time
      }).then(function () {
        /* The container is one role="img" named by the sentence; the drawing itself adds
           nothing for assistive technology, and the table holds every number. */
        var svg = element.querySelector("svg");
        if (svg) svg.setAttribute("aria-hidden", "true");
        element.setAttribute("data-rendered", "true");
      }).catch(function (error) {
        element.setAttribute("data-error", String(error));
        element.hidden = true;  /* the sentence and the table still carry every number */
      });
    });
  }

  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });

  document.addEventListener("DOMContentLoaded", function () {
    setupSearch();
    setupCharts();
  });
})();
