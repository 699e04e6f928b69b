import keras

from kcl.classifier import text_classifier

model = text_classifier(classes=4)
