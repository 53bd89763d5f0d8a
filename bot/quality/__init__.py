"""Quality rules over every message, the alerts they raise, and work orders (工单)."""
