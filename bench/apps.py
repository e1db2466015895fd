from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark tooling: the national-scale data generator (no models)."""

    name = "bench"
    verbose_name = "Benchmarks"
