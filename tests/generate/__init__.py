"""Tests of campaign.generate: the bundled sample and campaigns at scale."""
