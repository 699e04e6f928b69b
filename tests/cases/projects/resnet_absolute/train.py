from models.resnet import resnet20

model = resnet20(num_classes=100)
