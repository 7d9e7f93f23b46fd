"""The Integreat import: pages and locations of an Integreat region, as files the loader reads."""
