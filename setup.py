"""Installs the MNIST GAN pipeline: TFX components, pipeline definition and models.

Versions are pinned by constraints.txt (`pip install -c constraints.txt -e .[dev]`);
the ranges here say what the code is written for.
"""
from setuptools import find_packages, setup

setup(
    name='mnist-gan-tfx',
    version='0.1.0',
    description='A TFX pipeline that trains GANs on MNIST and ships the generator to mobile.',
    packages=find_packages(include=['cli', 'cli.*', 'pipeline', 'pipeline.*', 'components',
                                    'components.*', 'models', 'models.*', 'formats',
                                    'formats.*']),
    package_data={'pipeline': ['schema/*.pbtxt']},
    # TFX 1.16 publishes wheels for Python 3.9-3.10 only; TFX >= 1.17 needs glibc >= 2.39.
    python_requires='>=3.9,<3.11',
    install_requires=[
        'tfx==1.16.0',
        'tensorflow==2.16.2',
        'tensorflow-model-analysis>=0.47,<0.48',
        'tensorflow-datasets>=4.9,<4.10',
        # tfx-bsl 1.16 imports dill, which Beam stopped requiring after 2.6x;
        # 2.59 is a release TFX 1.16 was built and tested with.
        'apache-beam[gcp]==2.59.0',
        # The standalone LiteRT interpreter: runs the exported .tflite files without TF.
        'ai-edge-litert==2.3.0',
        # TFLite Model Metadata in every shipped .tflite (components/tflite_export/metadata.py).
        # 0.4.4 is the last release, with a cp310 wheel; it accepts protobuf 3.20 and pulls
        # in pybind11 and sounddevice. Its native part needs the system's libusb-1.0.
        'tflite-support==0.4.4',
        # PNG grids of generated digits (`python -m cli generate`).
        'pillow',
        # keras.utils.plot_model's pictures of G and D on the release page (models/architecture.py;
        # it also needs Debian's graphviz). pydot 2 and later are ruled out by apache-beam 2.59
        # and tensorflow-transform 1.16 (both require pydot<2), so the pin stays on 1.4.2.
        'pydot>=1.2,<2',
        # kubeflow_v2_runner.py: TFX's Kubeflow V2 / Vertex compiler writes this proto.
        # 0.3 and later need protobuf 4, which TF 2.16's stack (protobuf 3.20) rules out.
        'kfp-pipeline-spec==0.2.2',
    ],
    extras_require={
        'dev': ['pytest'],
        'gpu': ['tensorflow[and-cuda]==2.16.2'],
        # airflow_dag.py. Conflicts with constraints.txt's pins (docs/operating.md), so
        # it is installed without them, into Airflow's own venv. TFX 1.16's Airflow runner
        # needs Airflow < 3; 2.3 is the first release for Python 3.10.
        'airflow': ['apache-airflow>=2.3,<3'],
    },
)
