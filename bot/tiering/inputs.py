"""What the tier policy decides on: one request, its customer and its conversation so far."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from bot.tiering.schema import Decision, DiagnosisState


class TierInputs(BaseModel):
    """Inputs of one tier decision; stored with the decision, so every reason can be checked.

    Counts about the conversation include the current message (a second failed match makes
    `failed_matches` 2).
    """

    model_config = ConfigDict(frozen=True)

    text: str = ""
    # the matcher
    decision: Decision | None = None  # None: the matcher was not asked (e.g. a button)
    question_id: str | None = None  # the answered question, or the best clarify candidate
    question_title: str | None = None
    question_tier: int | None = None  # the question's default tier (knowledge base)
    category: str | None = None
    question_products: list[str] = []
    has_tree: bool = False
    # the dialogue
    intent: str | None = None  # request_human, complaint, purchase_intent, ask_question, ...
    intent_source: str | None = None  # rasa | keywords | given
    failed_matches: int = 0  # messages in a row nothing matched (an answer ends the run)
    unsolved: int = 0  # answers or solutions the customer said did not help
    human_requests: int = 0  # times the customer asked for a human in this conversation
    diagnosis: DiagnosisState | None = None
    diagnosis_skills: list[str] = []  # skills the diagnosis escalation asks for
    # the customer
    identified: bool = False
    tags: list[str] = []
    identity: str | None = None  # e.g. 金卡会员, filled in by the engine when empty
    contacts_7d: int = 0
    handoffs: int = 0
    complaints: int = 0
    unresolved_tickets: int = 0
    orders_30d: int = 0
    # the message
    product_line: str | None = None  # the product in question (entity, else own device)
    model: str | None = None
    entities: list[str] = []  # labels of the entities found
    scenes: list[str] = []  # scenes of the policy the words show (bulk purchase, ...)
    negative: float = 0.0
    urgency: float = 0.0
    risk_words: list[str] = []
    trough: str | None = None  # high | sharp_drop | sustained
