"""The knowledge base: its schema, its loader and the bundled Dortmund data."""
