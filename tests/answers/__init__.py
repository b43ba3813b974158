"""Tests of campaign.answers: every named query, the forecast, the data-quality checks, the screen's figures."""
