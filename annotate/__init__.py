"""goldbench annotation: the Label Studio round trip.

Articles go out as Label Studio tasks (``push``) and come back as a versioned gold set
(``pull``). The pure, offline half lives in ``schema`` (configs/schema.yaml -> typed schema
and labeling config), ``convert_push`` (documents -> Label Studio tasks and results),
``convert_pull`` (Label Studio results -> documents, validation and repair) and ``goldset``
(atomic gold-set folders). Only ``client`` imports ``label_studio_sdk``.
Errors are in ``annotate.errors``.
"""
