/* Burn-rate alerts for slo_burn_rate_alerts: per alert its severity, burn rate, error-ratio threshold, long
   and short windows, time to fire at a 100% error ratio, and how much of the budget it lets burn before it
   fires (a bar against the largest of them, with the figure in words). Findings come first. */
PV.view(function (a, root) {
  var el = PV.el, add = PV.add;
  add(root, el("h1", null, "Burn-rate alerts: " + a.objective_percent + "% over " + a.window));
  add(root, el("p", "muted small", a.profile + " profile · multiwindow, multi-burn-rate (SRE Workbook, ch. 5)"));
  if (a.findings && a.findings.length) {
    var f = PV.put(root, add(el("section", "verdict warn"), el("strong", null, "! " + a.findings.length + " FINDING" + (a.findings.length > 1 ? "S" : ""))));
    var ul = PV.put(f, el("ul"));
    a.findings.forEach(function (text) { add(ul, el("li", null, text)); });
  } else {
    add(root, add(el("section", "verdict ok"), el("strong", null, "✓ NO FINDINGS"),
      el("p", null, "Every alert can fire, no page fires below 2×, and the slowest catches any burn that would empty the budget.")));
  }
  var most = Math.max.apply(null, a.alerts.map(function (x) { return x.budget_spent_when_fires; }).concat([1e-9]));
  var table = PV.put(root, el("table", "alerts"));
  add(PV.put(table, el("thead")), add(el("tr"), el("th", null, "Alert"), el("th", null, "Fires when"), el("th", null, "Budget burnt before it fires")));
  var body = PV.put(table, el("tbody"));
  a.alerts.forEach(function (x) {
    var row = PV.put(body, el("tr"));
    row.setAttribute("data-severity", x.severity);
    add(row, add(el("td"), el("span", "badge " + (x.severity === "page" ? "bad" : "na"), x.severity.toUpperCase()),
      el("div", "small", PV.num(x.burn_rate, 2) + "× burn")));
    add(row, add(el("td", "small"),
      el("div", null, "error ratio > " + PV.pct(x.error_ratio_threshold, 3)),
      el("div", null, "over " + x.long_window + " and " + x.short_window),
      el("div", "muted", x.can_fire ? "fires in " + x.detection_human + " at 100% errors" : "✕ can never fire")));
    var bar = el("div", "bar");
    var seg = PV.put(bar, el("i", "seg-failed"));
    seg.style.width = Math.max(2, 100 * x.budget_spent_when_fires / most) + "%";
    bar.setAttribute("role", "img");
    bar.setAttribute("aria-label", PV.pct(x.budget_spent_when_fires) + " of the budget");
    add(row, add(el("td"), add(el("div", "spend"), bar, el("span", "spent", PV.pct(x.budget_spent_when_fires))),
      x.finding ? el("div", "small error", x.finding) : null));
  });
  add(root, el("p", "muted small", "Bars are scaled to the largest; 100% is the whole " + a.window + " budget. An alert fires when both its windows exceed the threshold."));
});
