"""The page kit the Streamlit pages use: context, widgets, charts, tables, the screen, access to uploads,
login, recovery of a damaged snapshot. The only package that imports Streamlit."""
