import argparse

import torch

from detector.model import TinyYolo

parser = argparse.ArgumentParser()
parser.add_argument("--classes", type=int, default=20)

model = TinyYolo(classes=20)
