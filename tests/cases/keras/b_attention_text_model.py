import keras
from keras import layers

query_input = keras.Input(shape=(None,), dtype="int32")
value_input = keras.Input(shape=(None,), dtype="int32")
token_embedding = layers.Embedding(input_dim=1000, output_dim=64)
query_embeddings = token_embedding(query_input)
value_embeddings = token_embedding(value_input)
cnn_layer = layers.Conv1D(filters=100, kernel_size=4, padding="same")
query_seq_encoding = cnn_layer(query_embeddings)
value_seq_encoding = cnn_layer(value_embeddings)
query_value_attention_seq = layers.Attention()([query_seq_encoding, value_seq_encoding])
query_encoding = layers.GlobalAveragePooling1D()(query_seq_encoding)
query_value_attention = layers.GlobalAveragePooling1D()(query_value_attention_seq)
input_layer = layers.Concatenate()([query_encoding, query_value_attention])
model = keras.Model([query_input, value_input], layers.Dense(2)(input_layer))
