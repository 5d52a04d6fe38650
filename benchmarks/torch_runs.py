"""PyTorch's side, on the CPU, with as many threads as numpy's BLAS uses.

Settings written out: ``nn.Linear`` layers with ReLU between them, ``nn.CrossEntropyLoss``
on the logits (mean over the batch), ``torch.optim.Adam(lr=1e-3)`` with the default betas
and epsilon, a fresh ``torch.randperm`` of the rows each epoch and batches gathered by index
(the cheapest idiomatic loop: no DataLoader), the same batch size and epochs. W1 is the
tutorial's neuron: a (3, 1) float64 weight, sigmoid, loss 1/2 sum (y - o)^2, SGD lr 1.
"""

from __future__ import annotations

import time

import numpy as np
from workloads import TUTORIAL_INPUTS, TUTORIAL_OUTPUTS

NAME = "PyTorch"


def version() -> str:
    import torch

    return torch.__version__


def set_threads(count: int) -> None:
    import torch

    torch.set_num_threads(count)


def run_tutorial(data=None):
    import torch

    torch.manual_seed(1)
    inputs, targets = torch.from_numpy(TUTORIAL_INPUTS), torch.from_numpy(TUTORIAL_OUTPUTS)
    weights = (2 * torch.rand((3, 1), dtype=torch.float64) - 1).requires_grad_()
    optimizer = torch.optim.SGD([weights], lr=1.0)
    started = time.perf_counter()
    for _ in range(15000):
        optimizer.zero_grad()
        outputs = torch.sigmoid(inputs @ weights)
        loss = 0.5 * ((targets - outputs) ** 2).sum()
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - started
    with torch.no_grad():
        answer = float(torch.sigmoid(torch.tensor([1.0, 0.0, 0.0], dtype=torch.float64)
                                     @ weights)[0])
    return seconds, answer


def classifier(sizes, dtype, seed: int = 0):
    import torch

    torch.manual_seed(seed)  # the weights, and the shuffling after them
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=False):
        layers += [torch.nn.Linear(fan_in, fan_out, dtype=dtype), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1])


def train_classifier(data, hidden, batch_size, epochs, score: bool = True, seed: int = 0):
    import torch

    inputs, labels = torch.from_numpy(data[0]), torch.from_numpy(data[1])
    model = classifier([inputs.shape[1], *hidden, int(labels.max()) + 1], inputs.dtype,
                       seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    loss_function = torch.nn.CrossEntropyLoss()
    samples = len(inputs)
    started = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(samples)
        for start in range(0, samples, batch_size):
            rows = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = loss_function(model(inputs[rows]), labels[rows])
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - started
    if not score:  # the memory workload measures fitting alone
        return seconds, None
    with torch.inference_mode():
        predicted = model(inputs).argmax(dim=1)
    return seconds, float((predicted == labels).double().mean())


def run_tabular(data):
    return train_classifier(data, (100,), 200, 50)


def run_mnist(data, score: bool = True):
    return train_classifier(data, (256, 128), 128, 2, score=score)


def run_prediction(data):
    import torch

    inputs, parameters = data
    model = classifier([64, 100, 10], torch.float32)
    with torch.no_grad():
        for index in (0, 1):
            linear = model[2 * index]
            linear.weight.copy_(torch.from_numpy(parameters[f"weights_{index}"].T))
            linear.bias.copy_(torch.from_numpy(parameters[f"bias_{index}"]))
    started = time.perf_counter()
    with torch.inference_mode():
        probabilities = torch.softmax(model(torch.from_numpy(inputs)), dim=1).numpy()
    seconds = time.perf_counter() - started
    return seconds, np.asarray(probabilities)


RUNS = {"W1": run_tutorial, "W2": run_tabular, "W3": run_mnist, "W4": run_prediction}
