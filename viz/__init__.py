"""Figure builders: plain functions from core's data to plotly figures (no streamlit, no math beyond drawing)."""
