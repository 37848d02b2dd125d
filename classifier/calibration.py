"""Fitting a model's calibration and domain check on its training and validation images (no TensorFlow).

`calibrate(task, model)` runs after training (and alone: `python -m classifier calibrate`). It
1. fits the temperature on the validation split's logits (minimum cross-entropy, Guo et al. 2017);
2. trains the domain network (classifier/domain.py) to tell the model's outputs for real inputs
   (training images as they are and redrawn or rephotographed, classifier/synthetic.py) from its
   outputs for outlier pictures (the "tuning" part of classifier/outliers.py): outlier exposure on
   the frozen network's features, with a "none of these" output;
3. sets the threshold on *validation* inputs made realistic, so that REJECTED_SHARE of them are
   rejected (the test set is never used);
and writes `<stem>.domain.npz`; then it keeps the penultimate features of some training images with the
images themselves, for the explanations' nearest neighbours (`<stem>.neighbours.npz`). Both are recorded
in the manifest.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar

from classifier import datasets, manifest, outliers, settings, synthetic, tasks
from classifier.domain import DomainCheck, Head, head_inputs, softmax
from classifier.errors import ClassifierError, DataError
from classifier.explain import NEIGHBOURS_PER_CLASS, NeighbourIndex
from classifier.files import write_atomically
from classifier.inference import Classifier
from classifier.preprocessing import open_image, preprocess

# The share of realistic validation inputs the threshold rejects: below the 2 %, so that a
# new sample of real inputs stays under 2 % too.
REJECTED_SHARE = 0.015
# How many inputs of each kind the domain network learns from and the threshold is set on.
RAW_INSIDE, REALISTIC_INSIDE, OUTLIERS_PER_SOURCE, REALISTIC_VALIDATION = 6000, 3000, 500, 2000
HIDDEN_UNITS, STEPS, LEARNING_RATE, WEIGHT_DECAY = 64, 2000, 0.01, 1e-4
ECE_BINS = 15


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> float:
    """The mean gap between confidence and accuracy over `bins` equal-width confidence bins, weighted by count."""
    return calibration_gap(probabilities.max(axis=1), probabilities.argmax(axis=1) == labels, bins)


def calibration_gap(confidence: np.ndarray, correct: np.ndarray, bins: int = ECE_BINS) -> float:
    """Expected calibration error of any answers: how sure each was (0..1) and whether it was right."""
    confidence, correct = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=bool)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    error = 0.0
    for index in range(bins):
        members = which == index
        if members.any():
            error += members.mean() * abs(confidence[members].mean() - correct[members].mean())
    return float(error)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature T that minimises the cross-entropy of softmax(logits / T) on these labels."""

    def cross_entropy(log_temperature: float) -> float:
        scaled = logits / np.exp(log_temperature)
        top = scaled.max(axis=1, keepdims=True)
        log_norm = top[:, 0] + np.log(np.exp(scaled - top).sum(axis=1))
        return float(np.mean(log_norm - scaled[np.arange(len(labels)), labels]))

    return float(np.exp(minimize_scalar(cross_entropy, bounds=(-3.0, 3.0), method="bounded").x))


def _fit_head(inside: np.ndarray, outside: np.ndarray, seed: int) -> Head:
    """Train a one-hidden-layer network (NumPy, Adam, full batch) to output > 0 for inside and < 0 for outside.

    Both groups weigh the same in the loss, whatever their sizes.
    """
    inputs = np.concatenate([inside, outside])
    target = np.concatenate([np.ones(len(inside)), np.zeros(len(outside))]).astype(np.float32)
    weight = np.where(target == 1, 0.5 / len(inside), 0.5 / len(outside)).astype(np.float32)
    mean, scale = inputs.mean(axis=0), inputs.std(axis=0) + 1e-6
    standard = (inputs - mean) / scale
    rng = np.random.default_rng(seed)
    width = inputs.shape[1]
    params = [
        rng.normal(0, 1 / np.sqrt(width), (width, HIDDEN_UNITS)).astype(np.float32),
        np.zeros(HIDDEN_UNITS, np.float32),
        rng.normal(0, 1 / np.sqrt(HIDDEN_UNITS), HIDDEN_UNITS).astype(np.float32),
        np.zeros((), np.float32),
    ]
    first, second = [np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params]
    for step in range(1, STEPS + 1):
        hidden = np.maximum(standard @ params[0] + params[1], 0)
        logit = hidden @ params[2] + params[3]
        with np.errstate(over="ignore"):  # exp overflows to inf for very negative logits: the sigmoid is 0, as it should be
            error = (1 / (1 + np.exp(-logit)) - target) * weight  # gradient of the weighted logistic loss
        hidden_error = np.outer(error, params[2]) * (hidden > 0)
        gradients = [
            standard.T @ hidden_error + WEIGHT_DECAY * params[0],
            hidden_error.sum(axis=0),
            hidden.T @ error + WEIGHT_DECAY * params[2],
            error.sum(),
        ]
        for index, gradient in enumerate(gradients):
            first[index] = 0.9 * first[index] + 0.1 * gradient
            second[index] = 0.999 * second[index] + 0.001 * gradient**2
            step_size = LEARNING_RATE * np.sqrt(1 - 0.999**step) / (1 - 0.9**step)
            params[index] = (params[index] - step_size * first[index] / (np.sqrt(second[index]) + 1e-8)).astype(np.float32)
    return Head(mean.astype(np.float32), scale.astype(np.float32), params[0], params[1], params[2], float(params[3]))


def _preprocessed(task: tasks.Task, pictures: list) -> tuple[np.ndarray, np.ndarray]:
    """The 28x28 images of pictures (arrays or encoded bytes) and their positions, skipping any that preprocessing finds empty."""
    images, kept = [], []
    for position, picture in enumerate(pictures):
        try:
            images.append(preprocess(task, open_image(picture) if isinstance(picture, bytes) else picture))
            kept.append(position)
        except ClassifierError:
            continue
    return np.stack(images), np.asarray(kept, dtype=int)


def realistic_images(task: tasks.Task, images: np.ndarray, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """`count` of these 28x28 images, at random, as users would give them (drawn or photographed), preprocessed.

    Returns the preprocessed images and the indices in `images` they were made from.
    """
    picked = rng.choice(len(images), size=min(count, len(images)), replace=False)
    made, kept = _preprocessed(task, [synthetic.realistic(task, images[index], rng) for index in picked])
    return made, picked[kept]


def other_tasks_images(task: tasks.Task) -> np.ndarray:
    """The shipped test samples of every other task: pictures of what this task is not."""
    samples = []
    for other in tasks.all_tasks():
        if other.name != task.name:
            try:
                samples.append(datasets.load_sample(other).images)
            except DataError:
                continue
    return np.concatenate(samples)


def outlier_images(task: tasks.Task, part: str, per_source: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Preprocessed outlier pictures of each source of a part ("tuning" or "held-out") of classifier/outliers.py."""
    try:
        makers = outliers.sources(task.input_kind, part, other_tasks_images(task))
    except FileNotFoundError as error:
        raise DataError(str(error)) from error
    return {name: _preprocessed(task, [make(rng) for _ in range(per_source)])[0] for name, make in makers.items()}


def _head_inputs(classifier: Classifier, images28: np.ndarray) -> np.ndarray:
    outputs = classifier.outputs_batch(images28)
    return head_inputs(outputs["logits"], outputs["features"])


def neighbour_index(classifier: Classifier, training: datasets.Split, rng: np.random.Generator) -> NeighbourIndex:
    """Features of NEIGHBOURS_PER_CLASS random training images of each class, with the images, for explanations."""
    picked = np.sort(
        np.concatenate(
            [
                rng.choice(members, size=min(NEIGHBOURS_PER_CLASS, len(members)), replace=False)
                for members in (np.flatnonzero(training.labels == label) for label in range(classifier.spec.num_classes))
                if len(members)
            ]
        )
    )
    features = classifier.outputs_batch(training.images[picked] / np.float32(255))["features"]
    return NeighbourIndex(features.astype(np.float16), training.images[picked], training.labels[picked].astype(np.uint8))


def calibrate(task: str | tasks.Task, model_kind: str, models_dir=None, data_dir=None, seed: int = 1) -> dict[str, float | str]:
    """Fit and write a model's temperature, domain network and threshold; return what was measured."""
    task = tasks.get(task)
    classifier = Classifier(task.name, model_kind, models_dir, domain_check=False)
    training, validation = datasets.split_validation(task, datasets.load_split(task.dataset, "train", data_dir), seed)
    rng = np.random.default_rng(seed)

    validation_logits = classifier.outputs_batch(validation.images / np.float32(255))["logits"]
    labels = validation.labels.astype(int)
    temperature = fit_temperature(validation_logits, labels)

    raw = training.images[rng.choice(len(training.labels), size=min(RAW_INSIDE, len(training.labels)), replace=False)]
    inside = np.concatenate(
        [
            _head_inputs(classifier, raw / np.float32(255)),
            _head_inputs(classifier, realistic_images(task, training.images, REALISTIC_INSIDE, rng)[0]),
        ]
    )
    # A small training set (a quick check, a toy task) gets fewer outliers: as many as a tenth of its images per source.
    per_source = min(OUTLIERS_PER_SOURCE, max(20, len(training.labels) // 10))
    outside = np.concatenate(
        [_head_inputs(classifier, images) for images in outlier_images(task, "tuning", per_source, rng).values()]
    )
    head = _fit_head(inside, outside, seed)
    unset = DomainCheck(temperature, 0.0, head)

    real_validation = classifier.outputs_batch(realistic_images(task, validation.images, REALISTIC_VALIDATION, rng)[0])
    real_scores = unset.scores(real_validation["logits"], real_validation["features"])
    threshold = float(np.quantile(real_scores, REJECTED_SHARE))
    check = DomainCheck(temperature, threshold, head)

    write_atomically(settings.model_path(task.name, model_kind, ".domain.npz", models_dir), check.to_bytes())
    index = neighbour_index(classifier, training, np.random.default_rng(seed))
    write_atomically(settings.model_path(task.name, model_kind, ".neighbours.npz", models_dir), index.to_bytes())
    manifest.record(task.name, model_kind, models_dir)
    raw_validation = classifier.outputs_batch(validation.images / np.float32(255))
    return {
        "task": task.name,
        "model": model_kind,
        "temperature": round(temperature, 4),
        "threshold": round(threshold, 4),
        "validation_ece_before": round(expected_calibration_error(softmax(validation_logits), labels), 4),
        "validation_ece_after": round(expected_calibration_error(check.probabilities(validation_logits), labels), 4),
        "realistic_validation_rejected": round(float(np.mean(real_scores < threshold)), 4),
        "raw_validation_rejected": round(
            float(np.mean(check.scores(raw_validation["logits"], raw_validation["features"]) < threshold)), 4
        ),
    }
