from app.net import make_mlp

model = make_mlp()
