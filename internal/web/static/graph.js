// The link graph of a case: reads the graph from the API and draws it with
// cytoscape and the fCoSE layout. Every label and evidence sentence is
// evidence text: it reaches the page only as a canvas label or through
// textContent, never as markup.
(function () {
  "use strict";

  var root = document.getElementById("graph");
  if (!root || typeof cytoscape !== "function") {
    return;
  }
  cytoscape.use(cytoscapeFcose);

  var src = root.getAttribute("data-src");
  var caseURL = root.getAttribute("data-case"); // the case's pages: /cases/NAME
  var form = document.getElementById("graph-filters");
  var status = document.getElementById("graph-status");
  var panel = document.getElementById("graph-panel");
  var canvas = document.getElementById("graph-canvas");
  var picker = document.getElementById("graph-node"); // the keyboard's way to a node

  // Colours by kind (AA contrast against the white canvas for the labels,
  // which are drawn in dark text beside the node).
  var colours = {
    person: "#b3261e",
    chat: "#1f5fa8",
    stealer_log: "#7a4b00",
    cluster: "#5b2a86",
    identifier: "#2e6b30"
  };
  var kindNames = {
    person: "Person",
    chat: "Chat",
    stealer_log: "Stealer log",
    cluster: "New-material cluster",
    identifier: "Identifier"
  };

  var cy = null;
  var pinned = null; // the element whose evidence stays in the panel
  var request = 0;

  function setStatus(text) {
    status.textContent = text;
  }

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

  // show puts an element's facts in the side panel, as text.
  function show(ele) {
    panel.replaceChildren();
    if (!ele) {
      panel.appendChild(el("p", "Point at or select a node or a link to see its evidence.", "muted"));
      return;
    }
    var d = ele.data();
    if (ele.isNode()) {
      panel.appendChild(el("h2", kindNames[d.kind] || d.kind));
      panel.appendChild(el("p", d.label, "graph-label"));
      appendList(d.detail);
      panel.appendChild(el("p", ele.degree(false) + " link(s)", "muted"));
      if (d.kind === "person" && caseURL) {
        var a = el("a", "Timeline of this person");
        a.href = caseURL + "/timeline?person=" + encodeURIComponent(d.id.slice("person:".length));
        var p = el("p");
        p.appendChild(a);
        panel.appendChild(p);
      }
    } else {
      var a = cy.getElementById(d.source).data("label");
      var b = cy.getElementById(d.target).data("label");
      panel.appendChild(el("h2", "Link: " + d.kind.replace("_", " ")));
      panel.appendChild(el("p", a + " — " + b, "graph-label"));
      appendList(d.evidence);
    }
    if (pinned) {
      panel.appendChild(el("p", "Selected: Escape clears it.", "muted"));
    }
  }

  function appendList(items) {
    if (!items || items.length === 0) {
      return;
    }
    var ul = el("ul");
    items.forEach(function (s) {
      ul.appendChild(el("li", s));
    });
    panel.appendChild(ul);
  }

  function kinds() {
    var out = [];
    form.querySelectorAll("input[name=kind]").forEach(function (c) {
      if (c.checked) {
        out.push(c.value);
      }
    });
    return out;
  }

  function elements(g) {
    var out = [];
    g.nodes.forEach(function (n) {
      out.push({ group: "nodes", data: { id: n.id, kind: n.kind, label: n.label, detail: n.detail } });
    });
    g.edges.forEach(function (e, i) {
      out.push({ group: "edges", data: { id: "e" + i, source: e.source, target: e.target, kind: e.kind, evidence: e.evidence } });
    });
    return out;
  }

  function style() {
    var s = [
      {
        selector: "node",
        style: {
          "background-color": "#555",
          label: "data(label)",
          "font-size": 10,
          color: "#1a1a1a",
          "text-valign": "bottom",
          "text-margin-y": 3,
          "min-zoomed-font-size": 8,
          width: 14,
          height: 14
        }
      },
      { selector: "edge", style: { width: 1, "line-color": "#9a9a9a", "curve-style": "haystack" } },
      { selector: "edge[kind = 'possible']", style: { "line-style": "dashed" } },
      { selector: ":selected", style: { "border-width": 3, "border-color": "#000", "line-color": "#000" } }
    ];
    Object.keys(colours).forEach(function (k) {
      s.push({ selector: "node[kind = '" + k + "']", style: { "background-color": colours[k] } });
    });
    s.push({ selector: "node[kind = 'person']", style: { width: 22, height: 22 } });
    return s;
  }

  // draw fetches the graph of the kinds ticked and lays it out.
  function draw() {
    var asked = kinds();
    var mine = ++request;
    var url = src + (src.indexOf("?") < 0 ? "?" : "&") + "kinds=" + encodeURIComponent(asked.join(","));
    root.setAttribute("aria-busy", "true");
    root.removeAttribute("data-nodes");
    if (asked.length === 0) {
      if (cy) {
        cy.destroy();
        cy = null;
      }
      root.setAttribute("data-nodes", "0");
      root.removeAttribute("aria-busy");
      setStatus("No kind chosen: tick at least one.");
      show(null);
      return;
    }
    setStatus("Loading the graph…");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) {
        if (!res.ok) {
          throw new Error("the server answered " + res.status);
        }
        return res.json();
      })
      .then(function (g) {
        if (mine !== request) {
          return; // a later filter change superseded this answer
        }
        render(g);
      })
      .catch(function (err) {
        if (mine === request) {
          root.removeAttribute("aria-busy");
          setStatus("The graph could not be loaded: " + err.message);
        }
      });
  }

  // render draws graph g (the API's document) and reports the layout time.
  function render(g) {
    if (cy) {
      cy.destroy();
    }
    pinned = null;
    show(null);
    var t0 = performance.now();
    root.dispatchEvent(new CustomEvent("graph:buildstart"));
    cy = cytoscape({
      container: canvas,
      elements: elements(g),
      style: style(),
      layout: { name: "preset" },
      wheelSensitivity: 0.3,
      pixelRatio: g.nodes.length > 2000 ? 1 : "auto",
      textureOnViewport: g.nodes.length > 2000,
      hideEdgesOnViewport: g.nodes.length > 2000
    });
    var t1 = performance.now();
    root.dispatchEvent(new CustomEvent("graph:layoutstart"));
    var layout = cy.layout({
      name: "fcose",
      quality: g.nodes.length > 2000 ? "draft" : "default",
      randomize: true,
      animate: false,
      nodeDimensionsIncludeLabels: false,
      numIter: g.nodes.length > 2000 ? 1000 : 2500,
      packComponents: true
    });
    layout.one("layoutstop", function () {
      var ms = Math.round(performance.now() - t1);
      root.dispatchEvent(new CustomEvent("graph:layoutstop"));
      root.setAttribute("data-build-ms", String(Math.round(t1 - t0)));
      root.setAttribute("data-nodes", String(cy.nodes().length));
      root.setAttribute("data-edges", String(cy.edges().length));
      root.setAttribute("data-layout-ms", String(ms));
      root.removeAttribute("aria-busy");
      var total = 0;
      Object.keys(g.totals).forEach(function (k) {
        if (g.kinds.indexOf(k) >= 0) {
          total += g.totals[k];
        }
      });
      var text = cy.nodes().length + " node(s), " + cy.edges().length + " link(s); laid out in " + ms + " ms.";
      if (g.truncated) {
        text += " Showing the first " + cy.nodes().length + " of " + total + " nodes: untick kinds to see others.";
      }
      setStatus(text);
    });
    layout.run();
    fillPicker(g);

    cy.on("mouseover", "node, edge", function (e) {
      if (!pinned) {
        show(e.target);
      }
    });
    cy.on("mouseout", "node, edge", function () {
      if (!pinned) {
        show(null);
      }
    });
    cy.on("tap", function (e) {
      if (e.target === cy) {
        pinned = null;
        show(null);
        return;
      }
      pinned = e.target;
      show(e.target);
    });
  }

  // fillPicker lists the nodes in a select, so a keyboard reaches each
  // node's evidence without a pointer.
  function fillPicker(g) {
    picker.replaceChildren();
    picker.appendChild(el("option", "Choose a node…"));
    picker.options[0].value = "";
    g.nodes.forEach(function (n) {
      var o = el("option", (kindNames[n.kind] || n.kind) + ": " + n.label);
      o.value = n.id;
      picker.appendChild(o);
    });
  }

  picker.addEventListener("change", function () {
    if (!cy || !picker.value) {
      return;
    }
    var n = cy.getElementById(picker.value);
    if (n.empty()) {
      return;
    }
    cy.elements().unselect();
    n.select();
    pinned = n;
    cy.animate({ center: { eles: n }, zoom: Math.max(cy.zoom(), 1) }, { duration: 200 });
    show(n);
  });

  form.addEventListener("change", function (e) {
    if (e.target !== picker) {
      draw();
    }
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    draw();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && pinned) {
      pinned.unselect();
      pinned = null;
      show(null);
    }
  });
  draw();
})();
