"""kubeflow_v2_runner.py compiles the whole pipeline into a Kubeflow V2 / Vertex AI spec."""
import ast
import importlib.metadata
import json
import os
import re

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
import pytest
from tfx.utils import import_utils
import yaml

import kubeflow_v2_runner
from pipeline import trainer_machine

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_IMAGE = 'europe-docker.pkg.dev/test-project/ml/mnist-gan-tfx:test'
_ENV = {
    'PIPELINE_ROOT': 'gs://test-bucket/mnist-gan',
    'PIPELINE_IMAGE': _IMAGE,
    'MNIST_DIR': 'gs://test-bucket/mnist',
    'PRESET': 'cdcgan',
    'TRAIN_STEPS': '1234',
    'EVAL_SAMPLES': '500',
    'GAN_CONFIG': 'lr_g=0.0001,seed=3,jit_compile=true',
    'MODEL_AUTHOR': 'Example Corp',
    'MODEL_LICENSE': "CC BY 4.0 (O'Brien & Co)",
}
_COMPONENTS = ['TfdsExampleGen', 'CuratedSchemaGen', 'StatisticsGen', 'SchemaGen',
               'ExampleValidator', 'AnomalyGate', 'ClassifierTrainer', 'Trainer', 'TFLiteExport',
               'GeneratorEvalExamples', 'Evaluator', 'TFLiteFp16Evaluator',
               'TFLiteDynamicInt8Evaluator', 'TFLiteInt8Evaluator', 'TFLiteUint8Evaluator',
               'VersionedPusher']
_TFLITE_GATES = ['TFLiteFp16Evaluator', 'TFLiteDynamicInt8Evaluator', 'TFLiteInt8Evaluator',
                 'TFLiteUint8Evaluator']
# Kubeflow V2 has no resolver task: TFX compiles LatestBlessedModelStrategy into two queries.
_RESOLVER_TASKS = ['LatestReleaseResolver-model-blessing-resolver',
                   'LatestReleaseResolver-model-resolver']


@pytest.fixture(scope='module')
def spec_file(tmp_path_factory):
  path = str(tmp_path_factory.mktemp('kfv2') / 'mnist-gan_pipeline.json')
  kubeflow_v2_runner.compile_pipeline(_ENV, path)
  return path


@pytest.fixture(scope='module')
def job(spec_file):
  """The pipeline job JSON as written to disk."""
  with open(spec_file) as f:
    return json.load(f)


def _tasks(job):
  return job['pipelineSpec']['root']['dag']['tasks']


def _parameter(job, task, name):
  value = _tasks(job)[task]['inputs']['parameters'][name]['runtimeValue']['constantValue']
  [(_, constant)] = value.items()
  return constant


def _outputs(job, task):
  """Output key -> artifact schema title of `task`."""
  component = job['pipelineSpec']['components'][_tasks(job)[task]['componentRef']['name']]
  titles = {}
  for key, spec in component.get('outputDefinitions', {}).get('artifacts', {}).items():
    kind = spec['artifactType']
    titles[key] = kind.get('schemaTitle') or yaml.safe_load(kind['instanceSchema'])['title']
  return titles


def _producer(job, task, key):
  source = _tasks(job)[task]['inputs']['artifacts'][key]['taskOutputArtifact']
  return source['producerTask'], source['outputArtifactKey']


def _resolver_query(job, task, key):
  executor = job['pipelineSpec']['deploymentSpec']['executors'][f'{task}_executor']
  return executor['resolver']['outputArtifactQueries'][key]['filter']


def _container(job, task):
  return job['pipelineSpec']['deploymentSpec']['executors'][f'{task}_executor']['container']


def test_every_component_is_a_task(job):
  assert sorted(_tasks(job)) == sorted(_COMPONENTS + _RESOLVER_TASKS)


def test_vertex_sdk_accepts_the_file(spec_file):
  # What docs/operating.md's submission code does, up to the first call to Google Cloud.
  from google.auth import credentials  # pylint: disable=g-import-not-at-top
  from google.cloud import aiplatform  # pylint: disable=g-import-not-at-top
  vertex_job = aiplatform.PipelineJob(
      display_name='mnist-gan', template_path=spec_file, enable_caching=True,
      project='test-project', location='europe-west4',
      credentials=credentials.AnonymousCredentials())
  request = vertex_job.to_dict()  # the PipelineJob that submit() would send
  assert vertex_job.job_id.startswith('mnist-gan-')
  assert sorted(request['pipelineSpec']['root']['dag']['tasks']) == sorted(
      _COMPONENTS + _RESOLVER_TASKS)
  assert request['runtimeConfig']['gcsOutputDirectory'] == _ENV['PIPELINE_ROOT']


def test_pipeline_name_and_root(job):
  assert job['pipelineSpec']['pipelineInfo']['name'] == 'mnist-gan'
  assert job['runtimeConfig']['gcsOutputDirectory'] == 'gs://test-bucket/mnist-gan'


@pytest.mark.parametrize('task', _COMPONENTS)
def test_components_run_the_project_image_with_tfx_entrypoint(job, task):
  container = _container(job, task)
  assert container['image'] == _IMAGE
  assert container['command'] == [
      'python', '-m', 'tfx.orchestration.kubeflow.v2.container.kubeflow_v2_run_executor']


@pytest.mark.parametrize('task, executor', [
    ('TfdsExampleGen', 'components.tfds_example_gen.executor.Executor'),
    ('AnomalyGate', 'components.anomaly_gate.AnomalyGate_Executor'),
    ('TFLiteExport', 'components.tflite_export.executor.Executor'),
    ('GeneratorEvalExamples', 'components.sample_quality.eval_examples.GeneratorEvalExamples_Executor'),
    ('Evaluator', 'components.sample_quality.evaluator.Executor'),
    ('TFLiteFp16Evaluator', 'components.sample_quality.evaluator.Executor'),
    ('TFLiteDynamicInt8Evaluator', 'components.sample_quality.evaluator.Executor'),
    ('TFLiteInt8Evaluator', 'components.sample_quality.evaluator.Executor'),
    ('VersionedPusher', 'components.versioned_pusher.component.VersionedPusher_Executor'),
])
def test_custom_components_name_executors_importable_here(job, task, executor):
  args = _container(job, task)['args']
  assert args[args.index('--executor_class_path') + 1] == executor
  module, name = executor.rsplit('.', 1)
  assert hasattr(__import__(module, fromlist=[name]), name)


def test_beam_arguments_reach_the_containers(job):
  # BEAM_RUNNER unset: DirectRunner, worker processes on every core of the container.
  args = _container(job, 'StatisticsGen')['args']
  assert '--direct_running_mode=multi_processing' in args
  assert '--direct_num_workers=0' in args


def test_trainer_parameters(job):
  assert json.loads(_parameter(job, 'Trainer', 'custom_config')) == {
      'preset': 'cdcgan', 'lr_g': 0.0001, 'seed': 3, 'jit_compile': True}
  assert json.loads(_parameter(job, 'Trainer', 'train_args')) == {'num_steps': 1234}
  assert _parameter(job, 'Trainer', 'run_fn') == 'models.gan_trainer.run_fn'
  assert _parameter(job, 'ClassifierTrainer', 'run_fn') == 'models.classifier_trainer.run_fn'
  assert _parameter(job, 'GeneratorEvalExamples', 'num_samples') == '500'


def test_model_author_and_license_reach_the_tflite_export(job):
  assert _parameter(job, 'TFLiteExport', 'metadata_author') == 'Example Corp'
  assert _parameter(job, 'TFLiteExport', 'metadata_license') == "CC BY 4.0 (O'Brien & Co)"


def test_paths_are_gcs_or_inside_the_image(job):
  assert _parameter(job, 'TfdsExampleGen', 'data_dir') == 'gs://test-bucket/mnist-gan/tfds'
  assert _parameter(job, 'TfdsExampleGen', 'manual_dir') == 'gs://test-bucket/mnist'
  assert _parameter(job, 'VersionedPusher', 'serving_dir') == 'gs://test-bucket/mnist-gan/serving'
  schema_file = _parameter(job, 'CuratedSchemaGen', 'schema_file')
  assert schema_file == '/mnist_gan/pipeline/schema/schema.pbtxt'
  # The image's copy is this repository's file at the same relative path.
  assert os.path.isfile(os.path.join(_REPO, os.path.relpath(schema_file, '/mnist_gan')))


def test_dockerfile_puts_the_project_where_the_spec_looks():
  with open(os.path.join(_REPO, 'Dockerfile')) as f:
    dockerfile = f.read()
  assert re.search(r'^FROM gcr\.io/tfx-oss-public/tfx:1\.16\.0$', dockerfile, re.M)
  assert re.search(rf'^WORKDIR {kubeflow_v2_runner.IMAGE_PROJECT_DIR}$', dockerfile, re.M)


def test_training_waits_for_validation(job):
  for trainer in ('Trainer', 'ClassifierTrainer'):
    assert 'AnomalyGate' in _tasks(job)[trainer]['dependentTasks']


@pytest.mark.parametrize('environ, message', [
    ({}, 'PIPELINE_ROOT'),
    ({'PIPELINE_ROOT': 'gs://b/r', 'PIPELINE_NAME': 'mnist_gan'}, 'lowercase letters'),
    ({'PIPELINE_ROOT': 'gs://b/r', 'INCOMING_DIR': 'gs://b/incoming'}, 'INCOMING_DIR'),
])
def test_bad_settings_fail_before_compiling(tmp_path, environ, message):
  with pytest.raises(ValueError, match=message):
    kubeflow_v2_runner.compile_pipeline(environ, str(tmp_path / 'spec.json'))
  assert not (tmp_path / 'spec.json').exists()


def test_baseline_and_warm_start_model_is_the_last_pushed_release(job):
  """TFX 1.16's Kubeflow V2 compiler drops the resolver's producer_component_id and
  hard-codes the blessing type: the baseline is the Model named by the newest blessed
  `tfx.ModelBlessing`, whichever task wrote it. Only VersionedPusher may write that type
  (blessed = 1 only when it pushed the GAN Trainer's model); every gate writes its own."""
  blessing_task, model_task = _RESOLVER_TASKS
  blessing_query = _resolver_query(job, blessing_task, 'model_blessing')
  [title] = re.findall(r'schema_title="([^"]+)"', blessing_query)
  assert title == 'tfx.ModelBlessing'
  assert 'metadata.blessed.number_value=1' in blessing_query
  writers = {(task, key) for task in _COMPONENTS
             for key, output_title in _outputs(job, task).items() if output_title == title}
  assert writers == {('VersionedPusher', 'release_blessing')}
  assert _producer(job, 'VersionedPusher', 'model') == ('Trainer', 'model')
  assert _outputs(job, 'Evaluator')['blessing'] == 'components.SavedModelBlessing'
  for gate in _TFLITE_GATES:
    assert _outputs(job, gate)['blessing'] == 'components.TFLiteModelBlessing'
  # The Model is the one that blessing names; every consumer gets that Model.
  assert "metadata['current_model_id']" in _resolver_query(job, model_task, 'model')
  assert _producer(job, model_task, 'input') == (blessing_task, 'model_blessing')
  assert _producer(job, 'Trainer', 'base_model') == (model_task, 'model')
  assert _producer(job, 'Evaluator', 'baseline_model') == (model_task, 'model')
  assert _producer(job, 'GeneratorEvalExamples', 'baseline_model') == (model_task, 'model')


def test_the_pusher_requires_every_gate(job):
  assert _producer(job, 'VersionedPusher', 'model_blessing') == ('Evaluator', 'blessing')
  for variant, gate in zip(('fp16', 'dynamic_int8', 'int8', 'uint8'), _TFLITE_GATES):
    assert _producer(job, 'VersionedPusher', f'{variant}_blessing') == (gate, 'blessing')
    assert _producer(job, 'VersionedPusher', f'{variant}_evaluation') == (gate, 'evaluation')
    assert _producer(job, gate, 'model') == ('TFLiteExport', variant)
    assert _producer(job, gate, 'baseline_model') == ('TFLiteExport', 'fp32')


@pytest.mark.parametrize('task', ['Evaluator'] + _TFLITE_GATES)
def test_custom_blessing_types_load_as_the_container_loads_them(job, task):
  # The Kubeflow V2 entrypoint imports a custom type's schema title as <module>.<Class>.
  title = _outputs(job, task)['blessing']
  assert import_utils.import_class_by_path(title).TYPE_NAME == title


# The GAN Trainer on a GPU: TRAINER_* knobs reach that step's container only.
_GPU_KNOBS = {'TRAINER_ACCELERATOR': 'NVIDIA_L4:1', 'TRAINER_CPU': '8', 'TRAINER_MEMORY': '32'}


def _compile(tmp_path_factory, environ):
  path = str(tmp_path_factory.mktemp('kfv2_gpu') / 'mnist-gan_pipeline.json')
  kubeflow_v2_runner.compile_pipeline(environ, path)
  with open(path) as f:
    return json.load(f)


@pytest.fixture(scope='module')
def gpu_job(tmp_path_factory):
  return _compile(tmp_path_factory, dict(_ENV, **_GPU_KNOBS))


def _executors(job):
  return job['pipelineSpec']['deploymentSpec']['executors']


def test_gpu_knobs_give_the_gan_trainer_a_gpu_and_the_gpu_image(gpu_job):
  trainer = _container(gpu_job, 'Trainer')
  assert trainer['resources'] == {'accelerator': {'type': 'NVIDIA_L4', 'count': '1'},
                                  'cpuLimit': 8.0, 'memoryLimit': 32.0}
  assert trainer['image'] == _IMAGE + '-gpu'
  assert trainer['command'] == _container(gpu_job, 'Evaluator')['command']
  # Every other step: the pipeline image, no resource request.
  assert [task for task in _COMPONENTS if 'resources' in _container(gpu_job, task)] == [
      'Trainer']
  assert {task: _container(gpu_job, task)['image'] for task in _COMPONENTS} == {
      task: _IMAGE + '-gpu' if task == 'Trainer' else _IMAGE for task in _COMPONENTS}


def test_gpu_knobs_change_only_the_trainer_container(job, gpu_job):
  """Without the knobs the spec is what it was; with them, only the Trainer's container
  differs, by its image and resources."""
  trainer = _executors(gpu_job)['Trainer_executor']['container']
  without = json.loads(json.dumps(gpu_job))
  container = _executors(without)['Trainer_executor']['container']
  del container['resources']
  container['image'] = _IMAGE
  assert trainer != container
  assert without == job


@pytest.mark.parametrize('knobs, image, resources', [
    # A GPU with the image named: that image, on the Trainer only.
    ({'TRAINER_ACCELERATOR': 'nvidia_tesla_t4:2',
      'TRAINER_IMAGE': 'europe-docker.pkg.dev/test-project/ml/trainer:cuda'},
     'europe-docker.pkg.dev/test-project/ml/trainer:cuda',
     {'accelerator': {'type': 'NVIDIA_TESLA_T4', 'count': '2'}}),
    # A bigger CPU machine, no GPU: the pipeline image (no CUDA needed).
    ({'TRAINER_CPU': '16', 'TRAINER_MEMORY': '60Gi'}, _IMAGE,
     {'cpuLimit': 16.0, 'memoryLimit': 60 * 2**30 / 1e9}),
])
def test_trainer_image_and_resources(tmp_path_factory, knobs, image, resources):
  job = _compile(tmp_path_factory, dict(_ENV, **knobs))
  assert _container(job, 'Trainer')['resources'] == resources
  assert _container(job, 'Trainer')['image'] == image
  assert {_container(job, task)['image'] for task in _COMPONENTS if task != 'Trainer'} == {
      _IMAGE}


@pytest.mark.parametrize('knobs, messages', [
    ({'TRAINER_ACCELERATOR': 'NVIDIA_L4:0'}, ["TRAINER_ACCELERATOR='NVIDIA_L4:0'", 'COUNT']),
    ({'TRAINER_ACCELERATOR': 'L4'}, ["TRAINER_ACCELERATOR='L4'", 'NVIDIA_L4']),
    ({'TRAINER_ACCELERATOR': 'TPU_V3:8'}, ["TRAINER_ACCELERATOR='TPU_V3:8'", 'no TPUs']),
    ({'TRAINER_ACCELERATOR': 'NVIDIA_L4:1:2'}, ["TRAINER_ACCELERATOR='NVIDIA_L4:1:2'"]),
    ({'TRAINER_CPU': '0'}, ["TRAINER_CPU='0'", 'vCPUs > 0']),
    ({'TRAINER_CPU': 'nan'}, ["TRAINER_CPU='nan'"]),
    ({'TRAINER_MEMORY': '16GB'}, ["TRAINER_MEMORY='16GB'", 'Gi']),
    ({'TRAINER_IMAGE': 'europe-docker.pkg.dev/p/ml/trainer:cuda'},
     ['TRAINER_IMAGE=', 'unset unless TRAINER_ACCELERATOR']),
    ({'TRAINER_ACCELERATOR': 'NVIDIA_L4', 'TRAINER_IMAGE': 'Not An Image'},
     ["TRAINER_IMAGE='Not An Image'", 'Docker image reference']),
    ({'TRAINER_ACCELERATOR': 'NVIDIA_L4', 'PIPELINE_IMAGE': f'{_IMAGE}@sha256:{"0" * 64}'},
     ['TRAINER_IMAGE is unset', 'no tag']),
    ({'TRAINER_ACCELERATOR': 'NVIDIA_L4', 'STOP_AFTER': 'validation'},
     ["TRAINER_ACCELERATOR='NVIDIA_L4'", 'no GAN Trainer']),
    # MirroredStrategy splits the global batch evenly: cdcgan's 64 not over 3 GPUs, 96 not
    # over 64.
    ({'TRAINER_ACCELERATOR': 'NVIDIA_L4:3'}, ["TRAINER_ACCELERATOR='NVIDIA_L4:3'", '64']),
    ({'TRAINER_ACCELERATOR': 'NVIDIA_L4:64', 'GAN_CONFIG': 'batch_size=96'},
     ['batch_size 96']),
    # Every bad variable at once, the pipeline's own with them.
    ({'TRAINER_CPU': '-1', 'TRAINER_MEMORY': 'lots', 'TRAIN_STEPS': 'x'},
     ['3 bad run settings', 'TRAINER_CPU', 'TRAINER_MEMORY', 'TRAIN_STEPS']),
])
def test_bad_trainer_machine_fails_before_compiling(tmp_path, knobs, messages):
  with pytest.raises(ValueError) as error:
    kubeflow_v2_runner.compile_pipeline(dict(_ENV, **knobs), str(tmp_path / 'spec.json'))
  for message in messages:
    assert message in str(error.value)
  assert not (tmp_path / 'spec.json').exists()


def _setup_extras():
  """setup.py's extras_require, read without running it."""
  with open(os.path.join(_REPO, 'setup.py')) as f:
    tree = ast.parse(f.read())
  [call] = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and getattr(node.func, 'id', None) == 'setup']
  [extras] = [k.value for k in call.keywords if k.arg == 'extras_require']
  return ast.literal_eval(extras)


def _pins(path):
  """Package name -> version pinned by a constraints file of `name==version` lines."""
  with open(path) as f:
    lines = [line.split('#')[0].strip() for line in f]
  return {canonicalize_name(name): version
          for name, version in (line.split('==') for line in lines if line)}


def test_gpu_extra_installs_under_the_constraints():
  """Dockerfile.gpu installs `.[gpu]` with constraints.txt: TensorFlow at its pinned
  version, plus the CUDA wheels TensorFlow's `and-cuda` extra pins, which no constraint
  contradicts."""
  pins = _pins(os.path.join(_REPO, 'constraints.txt'))
  [gpu] = map(Requirement, _setup_extras()['gpu'])
  assert gpu.name == 'tensorflow' and gpu.extras == {'and-cuda'}
  assert str(gpu.specifier) == '==' + pins['tensorflow']
  tensorflow = importlib.metadata.distribution('tensorflow')
  assert tensorflow.version == pins['tensorflow']
  cuda = [r for r in map(Requirement, tensorflow.requires) if r.marker
          and r.marker.evaluate({'extra': 'and-cuda'}) and not r.marker.evaluate({'extra': ''})]
  assert cuda, 'TensorFlow declares no and-cuda wheels'
  for wheel in cuda:
    pinned = pins.get(canonicalize_name(wheel.name))
    assert pinned is None or pinned in wheel.specifier, (wheel, pinned)


def test_gpu_image_builds_on_the_project_image():
  with open(os.path.join(_REPO, 'Dockerfile.gpu')) as f:
    dockerfile = f.read()
  assert re.search(r'^ARG BASE_IMAGE=\S+\nFROM \$\{BASE_IMAGE\}$', dockerfile, re.M)
  assert re.search(rf'^WORKDIR {kubeflow_v2_runner.IMAGE_PROJECT_DIR}$', dockerfile, re.M)
  assert re.search(r"^RUN python -m pip install .*-c constraints\.txt -e '\.\[gpu\]'$",
                   dockerfile, re.M)
  # Cloud Build builds both, the GPU one on the project one, tagged as the runner expects.
  with open(os.path.join(_REPO, 'cloudbuild.yaml')) as f:
    steps = yaml.safe_load(f)['steps']
  assert [step['args'] for step in steps] == [
      ['build', '-t', '${_IMAGE}', '.'],
      ['build', '-f', 'Dockerfile.gpu', '--build-arg', 'BASE_IMAGE=${_IMAGE}',
       '-t', '${_IMAGE}' + trainer_machine.GPU_TAG_SUFFIX, '.']]
