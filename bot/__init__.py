"""Lotse: the SDK-free core of the newcomers' guidance bot."""
