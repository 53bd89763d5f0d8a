"""Messaging channels beyond the web page: how each speaks to users and to the gateway."""
