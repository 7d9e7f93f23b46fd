"""Tests of the chat adapters against local doubles of their network peers."""
