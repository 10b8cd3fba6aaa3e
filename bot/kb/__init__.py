"""The knowledge base: its data model, how it is read from YAML, and how it is checked."""
