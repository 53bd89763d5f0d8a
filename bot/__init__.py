"""Kefu: an intelligent customer-service bot framework for Chinese enterprises."""

__version__ = "0.1.0"
