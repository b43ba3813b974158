"""Answers from a published snapshot: the named queries in queries/*.sql, the forecast, the screen's
figure bundle. No Streamlit."""
