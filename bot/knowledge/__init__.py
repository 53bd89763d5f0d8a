"""The knowledge base: standard questions, answers by customer and channel, validation."""

from bot.knowledge.answers import Answer, pick_answer
from bot.knowledge.errors import Issue, KnowledgeError
from bot.knowledge.loader import load_knowledge
from bot.knowledge.schema import KnowledgeBase, StandardQuestion

__all__ = [
    "Answer",
    "Issue",
    "KnowledgeBase",
    "KnowledgeError",
    "StandardQuestion",
    "load_knowledge",
    "pick_answer",
]
