"""goldbench scoring: pure, offline evaluation of entity and event extractors.

Nothing in this package touches the network, imports ``annotate`` or imports
``label_studio_sdk``. The data flows: readers -> documents -> validation -> matching ->
report -> renderers.
"""
