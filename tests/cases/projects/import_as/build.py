import torch
import seg.model

model = seg.model.Segmenter(classes=21)
