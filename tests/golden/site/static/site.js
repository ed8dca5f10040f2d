/* kuntadata: progressive enhancement only. Without JavaScript every page shows its
   sentences, charts and maps (SVG drawn at build time), tables and download links; this file
   adds the search filter and opens the tables for printing. */
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
    /* The national figures step aside while searching, so Tab goes from the box to the
       matches and the matches sit right under it. */
    var aside = Array.prototype.slice.call(document.querySelectorAll("[data-hide-when-searching]"));
    box.hidden = false;  /* CSS already shows it under html.js: no layout shift here */

    function filter() {
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
      aside.forEach(function (element) { element.hidden = Boolean(query); });
      if (!query) { status.textContent = ""; return; }
      status.textContent = found ? status.getAttribute("data-some").replace("{n}", found)
                                 : status.getAttribute("data-none");
    }

    input.addEventListener("keydown", function (event) {
      var link = firstMatch();
      if (event.key === "Enter" && input.value && link) { event.preventDefault(); link.click(); }
    });
    input.addEventListener("input", filter);
    box.addEventListener("submit", function (event) { event.preventDefault(); filter(); });
    /* The header search of every other page sends ?q=…; typed before this ran also counts. */
    var query = new URLSearchParams(window.location.search).get("q");
    if (query && !input.value) input.value = query;
    if (input.value) {
      filter();
      /* On load, after the browser's jump to #municipality-list, which takes the focus back. */
      window.addEventListener("load", function () { input.focus(); });
    }
  }

  function firstMatch() {
    return document.querySelector("li[data-names]:not([hidden]) a");
  }

  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });

  document.addEventListener("DOMContentLoaded", function () {
    setupSearch();
  });
})();
