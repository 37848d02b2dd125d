"""Training only (Keras and TensorFlow): models, synthetic inputs, outliers, training, calibration, learners' networks."""
