"""Streamlit glue shared by the pages: the store connection, the settings, common labels."""
