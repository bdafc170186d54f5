/* persona-mcp views, shared part: the MCP Apps handshake (SEP-1865, io.modelcontextprotocol/ui, protocol
   2026-01-26), theming, and small DOM helpers. A renderer script registers itself with PV.view(fn).
   Standalone export: the result is embedded in #embedded-result and rendered on load, with no host.
   Hosted: the view sends ui/initialize, applies the host context (theme, style variables), sends
   ui/notifications/initialized, then renders the structuredContent of ui/notifications/tool-result.
   Data is only ever put into the page as text (textContent, setAttribute), never parsed as HTML. */
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var PROTOCOL = "2026-01-26";
  var body = document.body;
  var root = document.getElementById("app");
  var renderer = null;
  var nextId = 1;
  var pending = {};
  var hosted = false;
  var lastSize = "";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVGNS, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, String(attrs[k]));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  function put(parent, node) { parent.appendChild(node); return node; }
  function pct(fraction, digits) {
    var d = digits === undefined ? 1 : digits;
    return (fraction * 100).toFixed(d).replace(/\.0+$/, "") + "%";
  }
  function num(value, digits) {
    return Number(value.toFixed(digits === undefined ? 2 : digits)).toLocaleString("en-US");
  }
  function human(seconds) {
    if (seconds === null || seconds === undefined) return "never";
    var s = Math.round(seconds), parts = [], units = [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]];
    for (var i = 0; i < units.length && parts.length < 2; i++) {
      var n = Math.floor(s / units[i][1]);
      if (n > 0 || (parts.length && i === units.length - 1)) { parts.push(n + units[i][0]); s -= n * units[i][1]; }
    }
    return parts.length ? parts.join(" ") : "0s";
  }
  /* A link only for http(s) addresses; anything else stays text. Hosted, a click asks the host to open it. */
  function link(text) {
    var value = String(text);
    if (!/^https?:\/\/[^\s]+$/i.test(value)) return el("code", null, value);
    var a = el("a", null, value);
    a.setAttribute("href", value);
    a.setAttribute("rel", "noopener noreferrer");
    a.setAttribute("target", "_blank");
    a.addEventListener("click", function (event) {
      if (!hosted) return;
      event.preventDefault();
      request("ui/open-link", { url: value }).catch(function () { /* the host may refuse; nothing to do */ });
    });
    return a;
  }

  function post(message) { window.parent.postMessage(message, "*"); }
  function request(method, params) {
    var id = nextId++;
    post({ jsonrpc: "2.0", id: id, method: method, params: params });
    return new Promise(function (resolve, reject) { pending[id] = { resolve: resolve, reject: reject }; });
  }
  function notify(method, params) { post({ jsonrpc: "2.0", method: method, params: params }); }

  function applyContext(context) {
    if (!context) return;
    if (context.theme === "light" || context.theme === "dark") document.documentElement.setAttribute("data-theme", context.theme);
    var vars = context.styles && context.styles.variables;
    if (vars) {
      for (var key in vars) {
        if (Object.prototype.hasOwnProperty.call(vars, key) && /^--(color-(background|text)-primary|font-sans)$/.test(key) && typeof vars[key] === "string") {
          document.documentElement.style.setProperty(key, vars[key]);
        }
      }
    }
  }

  function reportSize() {
    if (!hosted) return;
    var rect = document.documentElement.getBoundingClientRect();
    var size = Math.ceil(rect.width) + "x" + Math.ceil(rect.height);
    if (size === lastSize) return;
    lastSize = size;
    notify("ui/notifications/size-changed", { width: Math.ceil(rect.width), height: Math.ceil(rect.height) });
  }

  function showMessage(text, cls) {
    root.textContent = "";
    add(root, el("p", cls || "muted", text));
  }

  function show(data) {
    root.textContent = "";
    try {
      renderer(data, root);
      body.setAttribute("data-state", "rendered");
    } catch (error) {
      body.setAttribute("data-state", "failed");
      showMessage("This result cannot be drawn: " + (error && error.message ? error.message : error), "error");
      throw error;
    }
    reportSize();
  }

  function onToolResult(result) {
    if (!result) return;
    if (result.isError || !result.structuredContent) {
      var text = (result.content || []).filter(function (c) { return c && c.type === "text"; }).map(function (c) { return c.text; }).join("\n");
      body.setAttribute("data-state", result.isError ? "tool-error" : "no-data");
      showMessage(text || "The tool returned no data to draw.", result.isError ? "error" : "muted");
      reportSize();
      return;
    }
    /* A short result leaves its words to the text the model reads; the tool gives them to the view in _meta. */
    var words = result._meta && result._meta["persona-mcp/view-data"];
    show(words && typeof words === "object" ? Object.assign({}, result.structuredContent, words) : result.structuredContent);
  }

  function onMessage(event) {
    if (event.source !== window.parent) return;
    var m = event.data;
    if (!m || m.jsonrpc !== "2.0") return;
    if (m.method === undefined && m.id !== undefined && pending[m.id]) {
      var waiter = pending[m.id];
      delete pending[m.id];
      if (m.error) waiter.reject(new Error(m.error.message || "host error")); else waiter.resolve(m.result);
      return;
    }
    switch (m.method) {
      case "ui/notifications/tool-result": onToolResult(m.params); break;
      case "ui/notifications/host-context-changed": applyContext(m.params); reportSize(); break;
      case "ui/notifications/tool-cancelled":
        body.setAttribute("data-state", "cancelled");
        showMessage("The tool call was cancelled" + (m.params && m.params.reason ? ": " + m.params.reason : "."));
        break;
      case "ui/resource-teardown": case "ping":
        if (m.id !== undefined) post({ jsonrpc: "2.0", id: m.id, result: {} });
        break;
      default: break; /* tool-input and anything newer: the result carries all the view draws */
    }
  }

  function start() {
    var embedded = JSON.parse(document.getElementById("embedded-result").textContent);
    if (embedded !== null) { show(embedded); return; }
    if (window.parent === window) { showMessage("No data: open this view from an MCP host, or export it with --format html."); return; }
    hosted = true;
    window.addEventListener("message", onMessage);
    request("ui/initialize", {
      protocolVersion: PROTOCOL,
      appInfo: { name: "persona-mcp " + body.getAttribute("data-view"), version: "1" },
      appCapabilities: { availableDisplayModes: ["inline"] }
    }).then(function (init) {
      applyContext(init && init.hostContext);
      notify("ui/notifications/initialized", {});
      if (window.ResizeObserver) new ResizeObserver(reportSize).observe(document.documentElement);
      reportSize();
    }, function (error) {
      showMessage("The host refused the view: " + error.message, "error");
    });
  }

  window.PV = {
    el: el, svg: svg, add: add, put: put, pct: pct, num: num, human: human, link: link,
    view: function (fn) { renderer = fn; start(); }
  };
})();
