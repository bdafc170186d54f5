"""The persona catalog: the persona model, loading and validating persona files, the concern taxonomy,
text utilities and rendering."""
