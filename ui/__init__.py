"""Streamlit pieces shared by every page: cached core calls, the function picker, URL state, lecture mode."""
