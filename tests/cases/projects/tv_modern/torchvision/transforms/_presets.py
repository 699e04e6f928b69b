# A stand-in for torchvision/transforms/_presets.py: the preprocessing that pretrained weights name
# (never called when a model is built without weights; see ../../LICENSE).


class InterpolationMode:
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"


class ImageClassification:
    def __init__(self, *, crop_size, resize_size=256, interpolation=InterpolationMode.BILINEAR):
        self.crop_size = crop_size
