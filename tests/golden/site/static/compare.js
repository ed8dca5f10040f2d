/* kuntadata compare page (compare_page.py, compare.html): the reader picks two to four
   municipalities, optionally their regions and the whole country; the table is drawn from
   data/json/ (compare.py) with the same rows, cells and number format as the pre-built
   tables, a small line per cell, the URL kept shareable (?k=091,049,092&r=1&c=1) and a CSV
   of exactly the rows and columns shown. Without this file the page keeps its pre-built
   table and its list of pre-built comparisons. Every text comes from #compare-text. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var MINUS = "\u2212";
  var MAX = 4;

  function setup() {
    var root = document.getElementById("compare");
    if (!root || !window.fetch || !window.Intl || !window.URLSearchParams) return;
    var text = null;
    var form = document.getElementById("compare-form");
    var statusBox = document.getElementById("compare-status");
    var result = document.getElementById("compare-result");
    var pickers = Array.prototype.slice.call(form.querySelectorAll("input[list]"));
    var regionsBox = document.getElementById("compare-regions");
    var countryBox = document.getElementById("compare-country");
    var base = root.getAttribute("data-json");
    var siteRoot = base.replace(/data\/json\/$/, "");
    var meta = null;
    var byCode = {};
    var byName = {};
    var files = {};
    var formats = {};
    var csvUrl = "";

    function say(message) { statusBox.textContent = message; }

    function fetchJson(name) {
      if (!files[name]) {
        files[name] = fetch(base + name + ".json").then(function (response) {
          if (!response.ok) throw new Error(response.status + " " + response.url);
          return response.json();
        });
      }
      return files[name];
    }

    /* The same text as fmt.number: grouping by three, the locale's separators, U+2212. */
    function number(value, decimals) {
      var format = formats[decimals];
      if (!format) {
        format = formats[decimals] = new Intl.NumberFormat(text.locale, {
          minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: true
        });
      }
      if (Number(value.toFixed(decimals)) === 0) value = 0;
      return format.format(value).replace(/-/g, MINUS);
    }

    /* fmt.period_label: 2025, kesäkuu 2026, 3. neljännes 2025. */
    function periodLabel(period) {
      var match = /^(\d{4})(?:([MQ])(\d{1,2}))?$/.exec(period);
      if (!match) return period;
      if (!match[2]) return match[1];
      var n = parseInt(match[3], 10);
      if (match[2] === "M" && n >= 1 && n <= 12) return text.months[n - 1] + " " + match[1];
      if (match[2] === "Q" && n >= 1 && n <= 4) return text.quarters[n - 1] + " " + match[1];
      return period;
    }

    function normalise(name) {
      return name.toLocaleLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim();
    }

    function name(area) { return area.name[text.lang] || area.code; }

    function indexAreas() {
      meta.areas.forEach(function (area) {
        byCode[area.code] = area;
        if (area.level !== "municipality") return;
        Object.keys(area.name).forEach(function (lang) {
          byName[normalise(area.name[lang])] = area;
          area.name[lang].split(" \u2013 ").forEach(function (part) { byName[normalise(part)] = area; });
        });
        byName[area.short] = area;
      });
      var list = document.getElementById("compare-municipalities");
      meta.areas.filter(function (a) { return a.level === "municipality"; })
        .map(name).sort(function (a, b) { return a.localeCompare(b, text.locale); })
        .forEach(function (label) {
          var option = document.createElement("option");
          option.value = label;
          list.appendChild(option);
        });
    }

    /* What the URL asks for: ?k=091,049,092&r=1&c=1, else the pre-built page's choice. */
    function initialChoice() {
      var query = new URLSearchParams(window.location.search);
      var codes = (query.get("k") || root.getAttribute("data-selected") || "").split(",");
      var municipalities = [];
      codes.forEach(function (short) {
        var area = byName[short.trim()];
        if (area && municipalities.indexOf(area) === -1 && municipalities.length < MAX) {
          municipalities.push(area);
        }
      });
      return {municipalities: municipalities, regions: query.get("r") === "1",
              country: query.get("c") === "1"};
    }

    function formChoice() {
      var municipalities = [];
      var unknown = [];
      pickers.forEach(function (input) {
        var typed = input.value.trim();
        if (!typed) return;
        var area = byName[normalise(typed)];
        if (!area) unknown.push(typed);
        else if (municipalities.indexOf(area) === -1) municipalities.push(area);
      });
      return {municipalities: municipalities, unknown: unknown,
              regions: regionsBox.checked, country: countryBox.checked};
    }

    function columnsOf(choice) {
      var areas = choice.municipalities.slice();
      if (choice.regions) {
        choice.municipalities.forEach(function (m) {
          var region = byCode[m.region];
          if (region && areas.indexOf(region) === -1) areas.push(region);
        });
      }
      if (choice.country && byCode.SSS) areas.push(byCode.SSS);
      return areas;
    }

    function href(area) {
      var slug = area.slug[text.lang] + "/";
      if (area.level === "municipality") return siteRoot + text.hrefs.municipality + slug;
      if (area.level === "region") return siteRoot + text.hrefs.region + slug;
      return siteRoot + text.hrefs.country;
    }

    /* compare.py latest_cell: the latest figure with a value, else "not available" with
       the symbol of the latest period. */
    function cellOf(entry, indicator) {
      if (entry) {
        for (var i = entry[1].length - 1; i >= 0; i -= 1) {
          if (entry[1][i] !== null) {
            /* entry[3]: 1 where a region's figure was computed from its members
               (aggregate.py): marked "*" like the pages, "derived" in the CSV. */
            var derived = entry[3] ? entry[3][i] === 1 : false;
            return {missing: false, raw: entry[1][i], period: entry[0][i],
                    value: number(entry[1][i], indicator.decimals) + (derived ? "\u00a0*" : ""),
                    symbol: derived ? "*" : "",
                    status: derived ? "derived" : (entry[2] ? entry[2][i] : "")};
          }
        }
      }
      var symbol = "";
      if (entry && entry[2]) {
        for (var j = entry[2].length - 1; j >= 0 && !symbol; j -= 1) symbol = entry[2][j];
      }
      return {missing: true, symbol: symbol, status: symbol,
              text: symbol ? text.not_available + " (" + symbol + ")" : text.not_available};
    }

    function el(tag, attributes, content) {
      var node = document.createElement(tag);
      Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
      if (content !== undefined) node.textContent = content;
      return node;
    }

    /* A small line of the area's own series (own scale), named by a sentence. */
    function sparkline(entry, indicator, area) {
      if (!entry) return null;
      var values = entry[1];
      var known = [];
      values.forEach(function (v, i) { if (v !== null) known.push(i); });
      if (known.length < 2) return null;
      var low = Math.min.apply(null, known.map(function (i) { return values[i]; }));
      var high = Math.max.apply(null, known.map(function (i) { return values[i]; }));
      var width = 80, height = 20, last = values.length - 1 || 1;
      var svg = document.createElementNS(SVG, "svg");
      svg.setAttribute("class", "spark");
      svg.setAttribute("viewBox", "0 0 " + width + " " + (height + 4));
      svg.setAttribute("role", "img");
      var first = known[0], end = known[known.length - 1];
      svg.setAttribute("aria-label", text.trend
        .replace("{title}", indicator.title[text.lang]).replace("{area}", name(area))
        .replace("{first}", number(values[first], indicator.decimals))
        .replace("{start}", periodLabel(entry[0][first]))
        .replace("{last}", number(values[end], indicator.decimals))
        .replace("{end}", periodLabel(entry[0][end])));
      var run = [];
      function flush() {
        if (run.length > 1) {
          var line = document.createElementNS(SVG, "polyline");
          line.setAttribute("points", run.join(" "));
          svg.appendChild(line);
        }
        run = [];
      }
      values.forEach(function (v, i) {
        if (v === null) { flush(); return; }
        var x = (i / last) * width;
        var y = 2 + (high === low ? height / 2 : height - ((v - low) / (high - low)) * height);
        run.push(x.toFixed(1) + "," + y.toFixed(1));
      });
      flush();
      return svg;
    }

    function render(areas, data) {
      var table = el("table", {"class": "compare-table"});
      table.appendChild(el("caption", {id: "compare-caption"}, text.caption));
      var head = el("tr");
      head.appendChild(el("th", {scope: "col"}, text.indicator));
      areas.forEach(function (area) {
        var th = el("th", {scope: "col"});
        th.appendChild(el("a", {href: href(area)}, name(area)));
        head.appendChild(th);
      });
      table.appendChild(el("thead")).appendChild(head);
      var rows = [];
      var symbols = {};
      var body = null, theme = null;
      meta.indicators.forEach(function (indicator, index) {
        var cells = areas.map(function (area, a) { return cellOf(data[a].series[index], indicator); });
        var periods = {};
        cells.forEach(function (c) { if (!c.missing) periods[c.period] = true; });
        var shared = Object.keys(periods).length === 1 ? Object.keys(periods)[0] : "";
        if (indicator.theme !== theme) {
          theme = indicator.theme;
          body = table.appendChild(el("tbody"));
          var group = body.appendChild(el("tr", {"class": "theme"}));
          group.appendChild(el("th", {scope: "rowgroup", colspan: String(areas.length + 1)},
                               text.themes[theme] || theme));
        }
        var tr = body.appendChild(el("tr"));
        var th = tr.appendChild(el("th", {}, indicator.title[text.lang] + " "));
        th.appendChild(el("small", {}, indicator.unit[text.lang] +
                          (shared ? " \u00b7 " + periodLabel(shared) : "")));
        cells.forEach(function (cell, a) {
          if (cell.missing) {
            tr.appendChild(el("td", {"class": "missing"}, cell.text));
            if (cell.symbol) symbols[cell.symbol] = true;
            return;
          }
          var td = tr.appendChild(el("td"));
          td.appendChild(document.createTextNode(cell.value));
          if (cell.symbol) symbols[cell.symbol] = true;
          if (!shared) {
            td.appendChild(document.createTextNode(" "));
            td.appendChild(el("small", {}, periodLabel(cell.period)));
          }
          var line = sparkline(data[a].series[index], indicator, areas[a]);
          if (line) td.appendChild(line);
        });
        rows.push({indicator: indicator, cells: cells});
      });
      var wrap = el("div", {"class": "table-wrap", role: "region", tabindex: "0",
                            "aria-labelledby": "compare-caption"});
      wrap.appendChild(table);
      result.textContent = "";
      result.appendChild(el("p", {"class": "hint"}, text.explanation));
      result.appendChild(wrap);
      var noted = Object.keys(symbols).sort();
      if (noted.length) {
        var notes = result.appendChild(el("dl", {"class": "notes"}));
        noted.forEach(function (symbol) {
          notes.appendChild(el("dt", {}, symbol));
          notes.appendChild(el("dd", {}, symbol === "*" ? (meta.derived || {})[text.lang] || ""
                                             : (meta.status[symbol] || {})[text.lang] || ""));
        });
      }
      result.appendChild(csvLink(areas, rows));
    }

    function csvField(value) {
      var s = String(value === null || value === undefined ? "" : value);
      return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    }

    /* The rows and columns of the table: per area its value (dot decimal, no grouping),
       period and status; per row the dataset's source, licence and fetch date. */
    function csvLink(areas, rows) {
      var datasets = {};
      meta.datasets.forEach(function (d) { datasets[d.id] = d; });
      var header = [text.csv.theme, text.csv.indicator, text.csv.unit];
      areas.forEach(function (area) {
        header.push(name(area), name(area) + " \u2013 " + text.csv.period,
                    name(area) + " \u2013 " + text.csv.status);
      });
      header.push(text.csv.source, text.csv.licence, text.csv.fetched);
      var lines = [header];
      rows.forEach(function (row) {
        var indicator = row.indicator;
        var dataset = datasets[indicator.dataset] || {};
        var line = [text.themes[indicator.theme] || indicator.theme,
                    indicator.title[text.lang], indicator.unit[text.lang]];
        row.cells.forEach(function (cell) {
          line.push(cell.missing ? "" : cell.raw.toFixed(indicator.decimals),
                    cell.missing ? "" : cell.period, cell.status || "");
        });
        line.push((dataset.attribution || {})[text.lang] || "",
                  dataset.licence || dataset.licence_url || "", dataset.fetched || "");
        lines.push(line);
      });
      var csv = lines.map(function (line) { return line.map(csvField).join(","); }).join("\r\n") + "\r\n";
      if (csvUrl) URL.revokeObjectURL(csvUrl);
      csvUrl = URL.createObjectURL(new Blob([csv], {type: "text/csv;charset=utf-8"}));
      var filename = "kuntadata-" + areas.map(function (a) { return a.short; }).join("-") + ".csv";
      var p = el("p", {"class": "download"});
      p.appendChild(el("a", {href: csvUrl, download: filename, id: "compare-csv"}, text.csv_link));
      p.appendChild(document.createTextNode(" "));
      p.appendChild(el("span", {"class": "file-name"}, filename));
      return p;
    }

    function queryOf(choice) {
      var query = new URLSearchParams(window.location.search);
      query.set("k", choice.municipalities.map(function (a) { return a.short; }).join(","));
      if (choice.regions) query.set("r", "1"); else query.delete("r");
      if (choice.country) query.set("c", "1"); else query.delete("c");
      return "?" + query.toString().replace(/%2C/g, ",");
    }

    function syncUrl(choice) {
      window.history.replaceState(null, "", window.location.pathname + queryOf(choice) +
                                  window.location.hash);
    }

    /* A pre-built page's heading names its own municipalities: another choice is shown on
       the compare page, at the form. */
    function leavesPrebuilt(choice) {
      var index = root.getAttribute("data-index");
      var same = choice.municipalities.map(function (a) { return a.short; }).join(",") ===
                 root.getAttribute("data-selected");
      if (!index || same) return false;
      window.location.assign(index + queryOf(choice) + "#compare-form");
      return true;
    }

    function show(choice, fromReader) {
      if (choice.unknown && choice.unknown.length) {
        say(text.unknown.replace("{name}", choice.unknown[0]));
        return;
      }
      if (choice.municipalities.length < 2) { say(text.choose); return; }
      if (choice.municipalities.length > MAX) { say(text.too_many); return; }
      if (fromReader && leavesPrebuilt(choice)) return;
      var areas = columnsOf(choice);
      say(text.loading);
      result.setAttribute("aria-busy", "true");
      Promise.all(areas.map(function (area) { return fetchJson(area.code); })).then(function (data) {
        render(areas, data);
        result.removeAttribute("aria-busy");
        if (fromReader) syncUrl(choice);
        say(text.shown.replace("{areas}", areas.map(name).join(", ")));
      }).catch(function () {
        result.removeAttribute("aria-busy");
        say(text.failed);
      });
    }

    function start(loaded) {
      meta = loaded[0];
      text = loaded[1];
      indexAreas();
      var choice = initialChoice();
      pickers.forEach(function (input, i) {
        var area = choice.municipalities[i];
        input.value = area ? name(area) : "";
      });
      regionsBox.checked = choice.regions;
      countryBox.checked = choice.country;
      form.hidden = false;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        show(formChoice(), true);
      });
      /* A name picked from the list, or a box ticked, redraws at once; a half-typed name
         waits for Enter or the button. */
      form.addEventListener("change", function () {
        var next = formChoice();
        if (next.municipalities.length >= 2 && !next.unknown.length) show(next, true);
      });
      if (choice.municipalities.length) show(choice, false);
      else say(text.choose);
    }

    var language = root.getAttribute("data-lang");
    Promise.all([fetchJson("indicators"), fetchJson("text-" + language)]).then(start)
      .catch(function () { say(statusBox.getAttribute("data-failed")); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
