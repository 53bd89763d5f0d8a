"""Generated history: weeks of realistic traffic written through the live service's code."""
