"""The SRE domain, pure (no MCP, no I/O beyond the shipped data): durations and exact numbers; error
budgets, burn-rate alerts, composite availability, capacity, toil and on-call, one subject per module; and
the production readiness review (`readiness/`). SLO rules export lands beside them."""
