"""The matcher: a user's words -> a standard question, a short choice, or no match.

Importing this package is cheap; models load in `Matcher.warm_up()`.
"""

from bot.matching.pipeline import Candidate, Matcher, MatchResult
from bot.matching.settings import MatchingSettings

__all__ = ["Candidate", "MatchResult", "Matcher", "MatchingSettings"]
