"""The Streamlit page, in parts: state, controls, the map view, panels and the chart."""
