"""Tests of campaign.app, dashboard.py and pages/: every page in AppTest, and the real-browser tests."""
