"""Provider-side forecasting: history, the planning forecaster, baselines, accuracy, forecast value added."""
