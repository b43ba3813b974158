"""Tests of campaign.ops: the command line, `campaign serve`, health, nginx and the offline bundle."""
