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

  /* A chart's "Embed" link (id "embed-<chart id>"): without JavaScript it leads to the
     page's explanation (#embed); here it shows the chart's own iframe code, selected
     for copying, under the link. The page's canonical address is the iframe's. */
  function setupEmbed() {
    var help = document.getElementById("embed");
    var canonical = document.querySelector("link[rel=canonical]");
    if (!help || !canonical) return;
    var height = help.getAttribute("data-height") || "640";
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[id^='embed-']");
      if (!link) return;
      event.preventDefault();
      var article = link.closest("article");
      var share = link.parentNode;
      var box = share.nextElementSibling;
      if (!box || !box.classList.contains("embed-code")) {
        box = document.createElement("p");
        box.className = "embed-code";
        var label = document.createElement("label");
        var field = document.createElement("textarea");
        field.readOnly = true;
        field.rows = 3;
        label.textContent = help.getAttribute("data-code-label");
        label.appendChild(field);
        box.appendChild(label);
        share.parentNode.insertBefore(box, share.nextSibling);
      }
      var title = article.querySelector("h3").textContent + " – " +
        document.querySelector("h1").textContent.trim();
      var src = canonical.href.split("#")[0] + "#" + link.id;
      box.querySelector("textarea").value = '<iframe src="' + src + '" title="' +
        title.replace(/&/g, "&amp;").replace(/"/g, "&quot;") + '" width="100%" height="' +
        height + '" style="border:0"></iframe>';
      box.querySelector("textarea").focus();
      box.querySelector("textarea").select();
    });
  }

  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });

  document.addEventListener("DOMContentLoaded", function () {
    setupSearch();
    setupEmbed();
  });
})();
