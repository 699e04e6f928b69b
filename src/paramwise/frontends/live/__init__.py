"""Objects in memory: a built keras.Model or a torch nn.Module, summarized without changing it. torch and
keras are imported lazily, where a live object of theirs is read."""
