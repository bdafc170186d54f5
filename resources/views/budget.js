/* Error budget for slo_budget_status: budget consumed against time elapsed in the window. The ideal line
   spends the budget evenly; the actual line runs to now; the projection carries the current burn rate to the
   window's end, and the point where the budget runs out is marked. The policy state is said in words. */
PV.view(function (b, root) {
  var el = PV.el, add = PV.add, svg = PV.svg;
  var STATE = { healthy: ["ok", "✓", "HEALTHY"], at_risk: ["warn", "!", "AT RISK"], exhausted: ["bad", "✕", "EXHAUSTED"] };
  var st = STATE[b.state] || ["na", "?", String(b.state)];

  add(root, el("h1", null, "Error budget: " + b.objective_percent + "% over " + b.window));
  var verdict = add(el("section", "verdict " + st[0]), el("strong", "state-label", st[1] + " " + st[2]), el("p", "reason", b.reason));
  verdict.setAttribute("role", "status");
  verdict.setAttribute("data-state", b.state);
  add(root, verdict);
  add(root, el("p", "small consequence", b.consequence));

  function fact(value, label) { return add(el("div", "fact"), el("b", null, value), el("span", null, label)); }
  add(root, add(el("div", "facts"),
    fact(PV.pct(b.consumed_fraction), "of the budget spent"),
    fact(PV.pct(b.elapsed_seconds / b.window_seconds), "of the window elapsed"),
    fact(PV.num(b.burn_rate, 2) + "×", "burn rate"),
    fact(b.time_to_exhaustion, "to exhaustion"),
    fact(PV.pct(b.projected_consumed_fraction), "projected at window end")));

  /* The chart: x is time in the window (days), y is budget consumed (100% = the whole budget). */
  var W = 360, H = 230, L = 44, R = 12, T = 14, B = 40;
  var T0 = b.window_seconds, E = b.elapsed_seconds, C = b.consumed_fraction;
  var exhaustAt = null;
  if (C >= 1) exhaustAt = C > 0 ? E / C : 0;
  else if (b.exhausts_before_window_end && b.seconds_to_exhaustion !== null) exhaustAt = E + b.seconds_to_exhaustion;
  var top = Math.max(1, C, Math.min(b.projected_consumed_fraction, 4)) * 1.08;
  function x(t) { return L + (W - L - R) * t / T0; }
  function y(f) { return T + (H - T - B) * (1 - f / top); }
  var chart = svg("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img", "class": "chart",
    "aria-label": "Budget consumed " + PV.pct(C) + " after " + PV.pct(E / T0) + " of the window; projected " + PV.pct(b.projected_consumed_fraction) +
      " at window end" + (exhaustAt !== null ? "; exhausted at day " + PV.num(exhaustAt / 86400, 1) : "") });
  var days = T0 / 86400, step = days > 20 ? 5 : days > 6 ? 2 : days > 2 ? 1 : 0.25;
  for (var d = 0; d <= days + 1e-9; d += step) {
    add(chart, svg("line", { "class": "grid", x1: x(d * 86400), x2: x(d * 86400), y1: T, y2: H - B }),
      svg("text", { x: x(d * 86400), y: H - B + 14, "text-anchor": "middle" }, PV.num(d, 2)));
  }
  for (var f = 0; f <= top + 1e-9; f += top > 2.2 ? 1 : 0.25) {
    add(chart, svg("line", { "class": "grid", x1: L, x2: W - R, y1: y(f), y2: y(f) }),
      svg("text", { x: L - 4, y: y(f) + 4, "text-anchor": "end" }, Math.round(f * 100) + "%"));
  }
  add(chart, svg("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle" }, "days into the " + b.window + " window"),
    svg("line", { "class": "axis", x1: L, x2: L, y1: T, y2: H - B }), svg("line", { "class": "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }),
    svg("line", { "class": "budget-line", x1: L, x2: W - R, y1: y(1), y2: y(1) }),
    svg("text", { x: L + 4, y: y(1) + 13 }, "whole budget"),
    svg("line", { "class": "ideal", x1: x(0), y1: y(0), x2: x(T0), y2: y(1) }),
    svg("polyline", { "class": "actual", points: x(0) + "," + y(0) + " " + x(E) + "," + y(C) }));
  if (E < T0) {
    var endF = Math.min(b.projected_consumed_fraction, top), endT = b.projected_consumed_fraction > top ? E + (top - C) / (C / E) : T0;
    add(chart, svg("line", { "class": "now", x1: x(E), x2: x(E), y1: T, y2: H - B }),
      svg("text", { x: x(E) + 3, y: T + 10 }, "now"),
      svg("line", { "class": "projection", x1: x(E), y1: y(C), x2: x(endT), y2: y(endF) }));
  }
  if (exhaustAt !== null) {
    var marker = svg("g", { "class": "exhaustion-marker", "data-seconds": exhaustAt });
    var label = "exhausted: day " + PV.num(exhaustAt / 86400, 1);
    add(marker, svg("circle", { "class": "exhaustion", cx: x(exhaustAt), cy: y(1), r: 6 }),
      svg("text", { x: x(exhaustAt) + (x(exhaustAt) > L + 130 ? -9 : 9), y: y(1) - 8,
        "text-anchor": x(exhaustAt) > L + 130 ? "end" : "start", "class": "exhaustion-label" }, "✕ " + label));
    add(marker, svg("title", {}, label));
    add(chart, marker);
  }
  add(root, chart);

  var legend = PV.put(root, el("div", "legend"));
  [["ideal", "ideal: even spend"], ["actual", "spent so far"], ["projection", "at the current burn rate"]].forEach(function (k) {
    var key = svg("svg", { width: 28, height: 8 });
    add(key, svg("line", { "class": k[0], x1: 0, x2: 28, y1: 4, y2: 4 }));
    add(legend, add(el("span"), key, document.createTextNode(k[1])));
  });
  var basis = b.basis === "events"
    ? (b.remaining_events !== null ? b.remaining_events.toLocaleString("en-US") + " bad events still allowed" : "")
    : (b.remaining_seconds !== null ? PV.human(Math.max(0, b.remaining_seconds)) + " of downtime still allowed" : "");
  add(root, el("p", "muted small", "Budget: " + PV.human(b.budget_seconds) + " per window; " + basis + " (" + b.basis + " basis)."));
});
