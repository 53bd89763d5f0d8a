"""Learning from users: unmatched questions, likely wrong answers, clusters, dismissals."""
