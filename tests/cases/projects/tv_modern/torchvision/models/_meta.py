# A stand-in for torchvision/models/_meta.py: the ImageNet class names that pretrained weights carry
# (see ../../LICENSE).
_IMAGENET_CATEGORIES = [f"class {i}" for i in range(1000)]
