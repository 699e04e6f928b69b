TINY = dict(img_size=32, patch_size=4, embed_dim=64, depth=2, num_heads=4, mlp_ratio=2.0, num_classes=10)
SMALL = {**TINY, "embed_dim": 96, "depth": 3, "num_heads": 6}
