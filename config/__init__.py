"""Default settings, example deployments and the demo city's data (read as package data)."""
