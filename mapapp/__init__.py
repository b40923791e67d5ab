"""The Belarus–EU border-crisis map (2021–2022)."""
