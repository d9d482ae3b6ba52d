# The image every component runs in on Kubeflow Pipelines V2 / Vertex AI
# (kubeflow_v2_runner.py), and the Beam SDK worker image for Dataflow, Flink and Spark
# (BEAM_WORKER_IMAGE, pipeline/beam_args.py).
#   docker build -t mnist-gan-tfx .
# Dockerfile.gpu builds the GAN Trainer's GPU image (TRAINER_ACCELERATOR) on top of this one.
FROM gcr.io/tfx-oss-public/tfx:1.16.0

# kubeflow_v2_runner.IMAGE_PROJECT_DIR: the compiled spec names files here (the schema).
WORKDIR /mnist_gan
COPY . .
# The same pinned set as `make setup`; editable, so the package is this folder and the
# schema the spec names is the one the package reads.
RUN python -m pip install --no-cache-dir -c constraints.txt -e .

# Beam's worker launcher, of the Beam version pinned above: Dataflow, Flink and Spark start
# SDK workers through it. Vertex AI sets each component's command, so it is unaffected.
COPY --from=apache/beam_python3.10_sdk:2.59.0 /opt/apache/beam /opt/apache/beam
ENTRYPOINT ["/opt/apache/beam/boot"]
