// The timeline of a case or of a person: reads the events from the API and
// draws them with echarts on a time axis, one row per kind of event. Labels
// and details are evidence text: they reach the page only through
// textContent (the chart's own tooltips, which would render markup, are
// off).
(function () {
  "use strict";

  var root = document.getElementById("timeline");
  if (!root || typeof echarts !== "object") {
    return;
  }
  var status = document.getElementById("timeline-status");
  var panel = document.getElementById("timeline-panel");
  var list = document.getElementById("timeline-list");
  var more = document.getElementById("timeline-more");
  var next = document.getElementById("timeline-next");

  var rows = [
    { kind: "message", name: "Messages" },
    { kind: "message_day", name: "Messages per day" },
    { kind: "membership", name: "Membership" },
    { kind: "file_day", name: "Files per day" },
    { kind: "stealer_log", name: "Stealer logs" }
  ];
  var colours = { message: "#1f5fa8", message_day: "#1f5fa8", membership: "#7a4b00", file_day: "#2e6b30", stealer_log: "#b3261e" };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) {
      e.textContent = text;
    }
    if (cls) {
      e.className = cls;
    }
    return e;
  }

  function rowName(kind) {
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].kind === kind) {
        return rows[i].name;
      }
    }
    return kind;
  }

  // show puts an event's facts in the side panel, as text.
  function show(ev) {
    panel.replaceChildren();
    panel.appendChild(el("h2", rowName(ev.kind)));
    panel.appendChild(el("p", ev.at, "mono"));
    panel.appendChild(el("p", ev.label, "graph-label"));
    if (ev.detail) {
      panel.appendChild(el("p", ev.detail));
    }
  }

  // time turns an event's time (RFC 3339 or a day) into a Date value.
  function time(at) {
    var t = Date.parse(at.length === 10 ? at + "T12:00:00Z" : at);
    return isNaN(t) ? null : t;
  }

  function draw(tl) {
    var used = rows.filter(function (r) {
      return tl.events.some(function (e) {
        return e.kind === r.kind;
      });
    });
    var series = used.map(function (r, y) {
      var data = [];
      tl.events.forEach(function (e, i) {
        var t = e.kind === r.kind ? time(e.at) : null;
        if (t !== null) {
          data.push({ value: [t, y], index: i });
        }
      });
      return {
        type: "scatter",
        name: r.name,
        data: data,
        symbolSize: function (v, p) {
          var c = tl.events[p.data.index].count || 1;
          return Math.min(28, 7 + 3 * Math.log(c + 1));
        },
        itemStyle: { color: colours[r.kind] },
        large: data.length > 2000
      };
    });
    var chart = echarts.init(document.getElementById("timeline-chart"), null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { show: false },
      grid: { left: 130, right: 24, top: 16, bottom: 72 },
      xAxis: { type: "time" },
      yAxis: {
        type: "category",
        data: used.map(function (r) {
          return r.name;
        }),
        axisLabel: { color: "#1a1a1a" }
      },
      dataZoom: [{ type: "slider", xAxisIndex: 0, bottom: 16 }, { type: "inside", xAxisIndex: 0 }],
      series: series
    });
    chart.on("click", function (p) {
      if (p.data && p.data.index !== undefined) {
        show(tl.events[p.data.index]);
      }
    });
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  // fill lists every event as text: the timeline without a pointer.
  function fill(tl) {
    list.replaceChildren();
    tl.events.forEach(function (e) {
      var li = el("li");
      li.appendChild(el("span", e.at + " ", "mono"));
      li.appendChild(el("span", rowName(e.kind) + ": ", "muted"));
      li.appendChild(el("span", e.label));
      if (e.detail) {
        li.appendChild(el("span", " — " + e.detail, "muted"));
      }
      list.appendChild(li);
    });
  }

  root.setAttribute("aria-busy", "true");
  fetch(root.getAttribute("data-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (res) {
      if (!res.ok) {
        throw new Error("the server answered " + res.status);
      }
      return res.json();
    })
    .then(function (tl) {
      draw(tl);
      fill(tl);
      var text = tl.events.length + " event(s).";
      if (tl.truncated) {
        var u = new URL(window.location.href);
        u.searchParams.set("from", tl.next);
        next.setAttribute("href", u.pathname + u.search);
        more.hidden = false;
        text += " More follow from " + tl.next + ".";
      }
      status.textContent = text;
      root.setAttribute("data-events", String(tl.events.length));
      root.removeAttribute("aria-busy");
    })
    .catch(function (err) {
      root.removeAttribute("aria-busy");
      status.textContent = "The timeline could not be loaded: " + err.message;
    });
})();
