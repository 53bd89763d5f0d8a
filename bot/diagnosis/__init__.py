"""Fault-diagnosis trees: guided troubleshooting in the customer's own words.

Trees are data (`knowledge/diagnosis/*.yml`, see docs/diagnosis-format.md); `Diagnoser` runs
them as a state machine; `store` keeps each walk's path and the per-node counters.
"""
