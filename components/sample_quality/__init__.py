"""Sample-quality metrics for generators (FID, MNIST score, class accuracy) in TFMA."""
