"""Files for people to take away: CSV and XLSX downloads, the PDF daily brief."""
