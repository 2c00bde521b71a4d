"""learntorch.nn.init: how torch fills a layer's parameters."""
