"""Reading customers' messages: entities (spaCy + jieba) and emotion (snownlp + lexicon).

Both stages load their state in ``warm_up()``; nothing heavy happens at import::

    entities = EntityExtractor(knowledge_dir / "entities"); entities.warm_up()
    emotion = EmotionScorer(knowledge_dir / "emotion.yml"); emotion.warm_up()
    entities.run("我的逐影R9蓝屏了")        # [Entity(label="MODEL", value="RG9", line="raptor")]
    emotion.score("我要去315曝光你们")      # EmotionScore(negative=0.91, risk_words=[...])
"""

from bot.nlp.emotion import EmotionScore, EmotionScorer
from bot.nlp.entities import Entity, EntityExtractor
from bot.nlp.trajectory import Trajectories, Trough, detect_trough

__all__ = [
    "EmotionScore",
    "EmotionScorer",
    "Entity",
    "EntityExtractor",
    "Trajectories",
    "Trough",
    "detect_trough",
]
