"""Chat channels: the only package that imports a chat SDK."""
