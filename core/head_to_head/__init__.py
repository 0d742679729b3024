"""Head to head: RNN, LSTM, GRU, minGRU and a transformer trained on the same tasks (claims C5, C19, C20)."""
