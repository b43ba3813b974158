"""Tests of campaign.outputs: the CSV/XLSX downloads and the PDF brief."""
