from .conv import conv_block, residual_block
