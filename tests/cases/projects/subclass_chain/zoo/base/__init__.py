from .model import BaseModel
