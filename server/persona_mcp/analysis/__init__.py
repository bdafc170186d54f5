"""Analyses over the catalog: persona overlap, routing a task to personas, the labelled examples, the review panel."""
