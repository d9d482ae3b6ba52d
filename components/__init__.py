"""TFX components of the MNIST GAN pipeline."""
