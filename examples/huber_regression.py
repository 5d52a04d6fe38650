"""A regression with outliers: Huber loss keeps a few wild targets from pulling the fit,
where squared error follows them.

Run: python examples/huber_regression.py   (GLASSNET_EXAMPLE_EPOCHS=N trains for N epochs)
"""

import os

import numpy as np

import glassnet

epochs = int(os.environ.get("GLASSNET_EXAMPLE_EPOCHS", "300"))
rng = np.random.default_rng(0)
inputs = rng.uniform(-2, 2, (400, 1))
clean = 3.0 * inputs[:, 0] + 1.0
targets = clean + 0.1 * rng.standard_normal(400)
targets[:20] += 40.0  # 5 % wild outliers, all on one side

results = {}
for name, loss in [("squared error", glassnet.SquaredError()),
                   ("huber", glassnet.Huber(delta=1.0))]:
    network = glassnet.mlp([1, 1], rng=0)  # a straight line: y = w x + b
    glassnet.fit(network, inputs, targets, loss, glassnet.Adam(0.05), epochs=epochs,
                 batch_size=32, rng=0)
    weight, bias = network.layers[0].weights[0, 0], network.layers[0].bias[0]
    error = glassnet.mean_absolute_error(clean, network.predict(inputs)[:, 0])
    results[name] = error
    print(f"{name:>13}: y = {weight:.2f} x + {bias:.2f}, error against the clean line "
          f"{error:.3f}")
print(f"huber is closer to the clean line: {results['huber'] < results['squared error']}")
