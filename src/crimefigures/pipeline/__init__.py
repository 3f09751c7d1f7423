"""The pipeline beside the flow: paths, table registry, parameters, runner, atomic writes."""
