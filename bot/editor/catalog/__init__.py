"""What editors browse and check: the questions list, one question, trees, figures, try it."""
