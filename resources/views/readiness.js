/* Readiness scorecard for sre_readiness: the verdict and its reason; blockers and high findings first, each
   with owner and effort; a bar per category of passed / failed / unknown / not applicable; the SLO
   recommendation with its budget; the repository evidence when the review read one. Drawn from the summary
   fields only (never the per-item checklist, which a summary result leaves out). */
PV.view(function (r, root) {
  var el = PV.el, add = PV.add;
  var VERDICT = {
    ready: ["ok", "✓", "READY"],
    ready_with_conditions: ["warn", "!", "READY WITH CONDITIONS"],
    not_ready: ["bad", "✕", "NOT READY"]
  };
  var STATUS = [["passed", "passed"], ["failed", "failed"], ["unknown", "unknown"], ["not_applicable", "not applicable"]];
  var v = VERDICT[r.assessment] || ["na", "?", String(r.assessment)];

  add(root, el("h1", null, "Readiness: " + r.service));
  add(root, el("p", "muted small", r.tier + " tier" + (r.tier_source === "default" ? " (default)" : "") +
    (r.checklist_version ? " · checklist " + r.checklist_version : "")));
  var verdict = add(el("section", "verdict " + v[0]), el("strong", "verdict-label", v[1] + " " + v[2]), el("p", "reason", r.reason));
  verdict.setAttribute("role", "status");
  verdict.setAttribute("data-assessment", r.assessment);
  add(root, verdict);

  var high = r.high || [], medium = r.medium || [], low = r.low || [], questions = r.open_questions || [];
  add(root, add(el("div", "facts"),
    fact(r.blockers.length, "blockers"), fact(high.length, "high"), fact(medium.length + low.length, "medium + low"),
    fact(questions.length, "open questions"), fact(PV.num(r.blocker_effort_days, 1) + " d", "to clear blockers")));

  function fact(value, label) { return add(el("div", "fact"), el("b", null, value), el("span", null, label)); }

  function finding(f) {
    /* Words may be absent (a host that drops the result's _meta): the item id, severity and effort always show. */
    var card = add(el("article", "card sev-" + f.severity),
      add(el("div", "head"), el("span", "badge " + (f.severity === "blocker" ? "bad" : "warn"), f.severity.toUpperCase()),
        el("h3", null, f.title || f.item_id)),
      f.issue ? el("p", null, f.issue) : null,
      f.recommendation ? add(el("details", "fix small"), el("summary", null, "Fix"), el("p", null, f.recommendation),
        f.risk ? el("p", "muted", "Risk: " + f.risk) : null) : null,
      add(el("div", "meta"), f.owner ? el("span", "owner", "Owner: " + f.owner) : null,
        el("span", "effort", "Effort: " + PV.num(f.effort_days, 1) + " d"), el("span", null, f.item_id)));
    card.setAttribute("data-item", f.item_id);
    if (f.evidence && f.evidence.length) {
      var list = el("ul", "small");
      f.evidence.forEach(function (e) { add(list, add(el("li"), PV.link(e))); });
      add(card, list);
    }
    return card;
  }

  if (r.blockers.length || high.length) {
    var first = PV.put(root, el("section", "findings"));
    add(first, el("h2", null, "Blockers and high findings"));
    r.blockers.concat(high).forEach(function (f) { add(first, finding(f)); });
  }
  if (medium.length || low.length) {
    var rest = PV.put(root, el("details", "findings-rest"));
    add(rest, el("summary", null, medium.length + " medium, " + low.length + " low"));
    medium.concat(low).forEach(function (f) { add(rest, finding(f)); });
  }
  if (questions.length) {
    var open = PV.put(root, el("details", "questions"));
    add(open, el("summary", null, questions.length + " open questions (unanswered, never counted as passed)"));
    var ql = PV.put(open, el("ul"));
    questions.forEach(function (q) {
      add(ql, add(el("li"), el("span", "badge " + (q.severity === "blocker" ? "bad" : "na"), q.severity),
        document.createTextNode(" " + (q.question || q.title || q.item_id) + " "), q.owner ? el("span", "muted small", "(" + q.owner + ")") : null));
    });
  }

  var cats = PV.put(root, el("section", "categories"));
  add(cats, el("h2", null, "Checklist by category"));
  var key = PV.put(cats, el("div", "key"));
  STATUS.forEach(function (s) { var k = el("span"); add(k, el("i", "seg-" + s[0]), document.createTextNode(s[1])); add(key, k); });
  (r.categories || []).forEach(function (c) {
    var total = c.passed + c.failed + c.unknown + c.not_applicable;
    var name = c.title || c.category;
    var row = add(el("div", "cat"), add(el("div", "row"), el("strong", null, name),
      el("span", "counts", STATUS.filter(function (s) { return c[s[0]]; }).map(function (s) { return c[s[0]] + " " + s[1]; }).join(" · ") || "no items")));
    row.setAttribute("data-category", c.category);
    var bar = el("div", "bar");
    bar.setAttribute("role", "img");
    bar.setAttribute("aria-label", name + ": " + STATUS.map(function (s) { return c[s[0]] + " " + s[1]; }).join(", "));
    STATUS.forEach(function (s) {
      if (!c[s[0]] || !total) return;
      var seg = el("i", "seg-" + s[0]);
      seg.style.width = (100 * c[s[0]] / total) + "%";
      seg.setAttribute("title", c[s[0]] + " " + s[1]);
      add(bar, seg);
    });
    add(cats, add(row, bar));
  });

  var slo = r.slo_recommendation;
  if (slo) {
    var s = PV.put(root, el("section", "slo"));
    add(s, el("h2", null, "SLO recommendation"));
    add(s, add(el("div", "facts"), fact(slo.availability + "%", "availability over " + slo.window),
      slo.latency_p99_ms !== null && slo.latency_p99_ms !== undefined ? fact(PV.num(slo.latency_p99_ms, 0) + " ms", "p99 latency") : null,
      fact(slo.error_budget_human, "error budget per window"), fact(PV.pct(slo.error_budget_ratio, 3), "of events may fail")));
    if (slo.policy) add(s, el("p", "small", slo.policy));
    if (slo.note) add(s, el("p", "muted small", slo.note));
    add(s, el("p", "muted small", "Source: " + slo.source));
  }

  if (r.toil && r.toil.length) {
    var t = PV.put(root, el("section", "toil"));
    add(t, el("h2", null, "Toil" + (r.toil_hours_per_week !== null ? ": " + PV.num(r.toil_hours_per_week, 1) + " h a week" : "")));
    var tl = PV.put(t, el("ul", "small"));
    r.toil.forEach(function (row) {
      add(tl, el("li", null, row.task + ": " + PV.num(row.hours_per_week, 1) + " h/week" + (row.flagged ? " — grows with load: automate first" : "")));
    });
  }

  var repo = r.repository;
  if (repo) {
    var e = PV.put(root, el("section", "evidence"));
    add(e, el("h2", null, "Evidence from the repository"));
    add(e, add(el("p", "small"), document.createTextNode("Service "), el("code", null, repo.service), document.createTextNode(" in "), el("code", null, repo.root)));
    [["facts", "facts read, with their lines", true], ["conflicts", "conflicts with the manifest (stated wins)", true],
     ["missing", "looked for and not found", false], ["observations", "also seen", false], ["not_read", "not read", false]].forEach(function (part) {
      var items = repo[part[0]] || [];
      if (!items.length) return;
      var d = PV.put(e, el("details", "evidence-" + part[0]));
      if (part[2]) d.setAttribute("open", "");
      add(d, el("summary", null, items.length + " " + part[1]));
      var ul = PV.put(d, el("ul", "small"));
      items.forEach(function (line) { add(ul, add(el("li"), PV.link(line))); });
    });
  }
});
