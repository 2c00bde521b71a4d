"""learntorch.nn.utils.rnn: PackedSequence and padding helpers (torch.nn.utils.rnn)."""
