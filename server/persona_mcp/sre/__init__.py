"""The SRE domain: durations, SLO and error-budget math, and the production readiness review."""
