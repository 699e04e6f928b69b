from klayers.residual import ResidualDense
