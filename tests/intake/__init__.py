"""Tests of campaign.intake: reading files, what they mean, the run of an ingest, its limits and its corpus."""
