"""Running it: the `campaign` command line, serving processes, health checks. Nothing imports ops."""
