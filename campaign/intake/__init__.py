"""Reading what towns send: files, titles, headers, words, limits; inferring what a file leaves out;
validating; the run of an ingest into a new snapshot. Uses campaign.snapshot and nothing above it."""
