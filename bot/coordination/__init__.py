"""Coordination between replicas of the app: per-customer turn locks (in this process, or
across replicas through Redis) and leases for the periodic jobs that must run once."""
