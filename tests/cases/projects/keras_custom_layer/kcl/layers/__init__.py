from .scale import LearnedScale
from .embed import PositionalEmbedding
