"""GAN models and their training loop for the MNIST GAN pipeline.

Plain TensorFlow/Keras 3 only; `models.gan_trainer` is the one module that knows TFX
(its `run_fn` is the Trainer's entry point). Presets live in `models.presets`.
"""
