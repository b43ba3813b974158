"""Tests of campaign.snapshot: derived tables, kept snapshots, rollback, publishing, a damaged snapshot."""
